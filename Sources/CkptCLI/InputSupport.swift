import ArgumentParser
import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import Foundation
import OrderedCollections

/// Input and expected-output tensors for verify and run: `FILE` (one tensor), `FILE#KEY`, or seeded random data.
enum InputSupport {
    /// The tensor a `FILE[#KEY]` reference names: the file's only tensor, or its tensor `KEY`.
    static func tensors(_ reference: String) throws -> [Tensor] {
        let path = CheckpointReference.filePath(reference)
        if path != reference {
            let key = String(reference.dropFirst(path.count + 1))
            let all = try Checkpoint.read(path).stateDict.tensors
            if let entry = all[key] { return [try tensor(entry, path: path)] }
        }
        let entries = try Checkpoint.read(reference: reference).stateDict.tensors
        guard !entries.isEmpty else { throw PathError(path: path, message: "holds no tensors") }
        return try entries.values.map { try tensor($0, path: path) }
    }

    /// Exactly one tensor from `reference`.
    static func tensor(_ reference: String) throws -> Tensor {
        let all = try tensors(reference)
        guard all.count == 1 else {
            throw PathError(path: CheckpointReference.filePath(reference), message: "holds \(all.count) tensors; name one with FILE#KEY")
        }
        return all[0]
    }

    private static func tensor(_ entry: TensorEntry, path: String) throws -> Tensor {
        do { return try Tensor(entry: entry) } catch { throw PathError(path: path, message: "\(error)") }
    }

    /// Parses `2,4` into a shape.
    static func shape(_ text: String) throws -> [Int] {
        let dims = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? -1) > 0 }) else {
            throw ValidationError("--input-shape wants positive sizes separated by commas, e.g. 2,4; got '\(text)'")
        }
        let shape = dims.compactMap { $0 }
        guard let n = TensorEntry.checkedNumel(shape), n <= 1 << 28 else { throw ValidationError("--input-shape \(text) is too large") }
        return shape
    }

    /// The forward inputs: files, or standard-normal data of the given shapes from a seeded generator.
    static func inputs(files: [String], shapes: [String], seed: UInt64) throws -> [ModuleValue] {
        if !files.isEmpty { return try files.map { .tensor(try tensor($0)) } }
        guard !shapes.isEmpty else { throw ValidationError("give --input FILE[#KEY] or --input-shape N,C,…") }
        Generator.default.manualSeed(seed)
        return try shapes.map { .tensor(Tensor.randn(try shape($0))) }
    }

    /// Every tensor in a module's output, in order (tuples flattened).
    static func flatten(_ value: ModuleValue) -> [Tensor] {
        switch value {
        case .tensor(let t): return [t]
        case .tuple(let items): return items.flatMap(flatten)
        default: return []
        }
    }
}
