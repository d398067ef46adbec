import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import Foundation

/// The inputs of a forward pass (verify, run, summary): tensors from files (`FILE`, one tensor, or `FILE#KEY`),
/// one per forward argument, standard-normal data of given shapes from a seeded generator, or — for a model
/// folder — token ids (`--tokens`, a batch of one), followed by an optional attention mask file.
public struct ForwardInputs: Sendable, Equatable {
    /// `FILE[#KEY]` references, one per forward argument.
    public var files: [String]
    /// Shapes (`2,4`) of random inputs, used when there are no files.
    public var shapes: [String]
    public var seed: UInt64
    /// Token ids of one sequence: the input `[1, T]` (int64).
    public var tokens: [Int]
    /// `FILE[#KEY]` of an attention mask `[B, T]` (nonzero = a real token), passed after the inputs.
    public var attentionMask: String?

    public init(files: [String] = [], shapes: [String] = [], seed: UInt64 = 0, tokens: [Int] = [], attentionMask: String? = nil) {
        self.files = files
        self.shapes = shapes
        self.seed = seed
        self.tokens = tokens
        self.attentionMask = attentionMask
    }

    /// Parses `--tokens 1,5,7`: token ids, integers from 0.
    public static func tokens(_ text: String) throws -> [Int] {
        let ids = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? -1) >= 0 && ($0 ?? 0) <= Int(Tensor.maxExactIndex) }) else {
            throw ArgumentError.badTokens(text)
        }
        return ids.compactMap { $0 }
    }

    /// The attention mask's values, row-major, when one was given.
    public func maskValues() throws -> [Float]? {
        try attentionMask.map { try Self.tensor($0).scalars }
    }

    /// Most elements a random input may hold.
    public static let maxRandomElements = 1 << 28

    /// The forward arguments; random data is drawn from the default generator seeded with `seed`.
    public func values() throws -> [ModuleValue] {
        let mask: [ModuleValue] = try attentionMask.map { [.tensor(try Self.tensor($0))] } ?? []
        if !tokens.isEmpty {
            guard files.isEmpty, shapes.isEmpty else { throw ArgumentError.tokensWithInputs }
            return [.tensor(try Tensor(indices: tokens, shape: [1, tokens.count]))] + mask
        }
        if !files.isEmpty { return try files.map { .tensor(try Self.tensor($0)) } + mask }
        guard !shapes.isEmpty else { throw ArgumentError.noInput }
        Generator.default.manualSeed(seed)
        return try shapes.map { .tensor(Tensor.randn(try Self.shape($0))) } + mask
    }

    /// Parses `2,4` into a shape of positive sizes.
    public static func shape(_ text: String) throws -> [Int] {
        let dims = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? -1) > 0 }) else { throw ArgumentError.badInputShape(text) }
        let shape = dims.compactMap { $0 }
        guard let n = TensorEntry.checkedNumel(shape), n <= maxRandomElements else { throw ArgumentError.inputShapeTooLarge(text) }
        return shape
    }

    /// The tensors a `FILE[#KEY]` reference names: tensor `KEY` of the file, else (the `#` being part of an entry
    /// path) every tensor of the entry, else every tensor of the file.
    public static func tensors(_ reference: String) throws -> [Tensor] {
        let ref = CheckpointReference(reference)
        if let key = ref.entry, let entry = try Checkpoint.read(ref.file).stateDict.tensors[key] {
            return [try tensor(entry, path: ref.file)]
        }
        let entries = try ref.read().stateDict.tensors
        guard !entries.isEmpty else { throw PathError(path: ref.file, .holdsNoTensors) }
        return try entries.values.map { try tensor($0, path: ref.file) }
    }

    /// Exactly one tensor from `reference`.
    public static func tensor(_ reference: String) throws -> Tensor {
        let all = try tensors(reference)
        guard all.count == 1 else { throw PathError(path: CheckpointReference(reference).file, .holdsSeveralTensors(all.count)) }
        return all[0]
    }

    private static func tensor(_ entry: TensorEntry, path: String) throws -> Tensor {
        do { return try Tensor(entry: entry) } catch { throw PathError(path: path, .unreadableTensor("\(error)")) }
    }

    /// Every tensor in a module's output, in order (tuples flattened).
    public static func flatten(_ value: ModuleValue) -> [Tensor] {
        switch value {
        case .tensor(let t): return [t]
        case .tuple(let items): return items.flatMap(flatten)
        default: return []
        }
    }
}
