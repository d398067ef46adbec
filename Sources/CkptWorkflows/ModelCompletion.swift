import CkptCore
import CkptModel
import CkptNN
import OrderedCollections

/// What a checkpoint says a model file leaves out: tensors registered directly on modules whose class ckpt knows only
/// from the printout (ViT's `embeddings.cls_token`, `T5LayerNorm()`'s weight), which `print(model)` never shows, and
/// ties it cannot show (GPT-2's `lm_head` is `wte`). Each addition is a model-file line with the evidence for it;
/// nothing is guessed: a missing weight two tensors could be tied to is an ambiguity, named, not an addition.
public struct ModelCompletion: Sendable, Equatable {
    /// A missing key the checkpoint cannot tie to one tensor: its shape fits several.
    public struct Ambiguity: Sendable, Equatable {
        public var key: String
        public var candidates: [String]
    }

    /// What the rules read: the model's keys and shapes, the checkpoint's, and what a load of one into the other left.
    public struct Facts: Sendable {
        /// The model's state_dict keys and shapes.
        public var modelShapes: OrderedDictionary<String, [Int]>
        /// Model keys the model already ties to an earlier key (the same tensor object).
        public var modelTies: [String: String]
        /// Model keys that are the weight of an Embedding, or of a Linear or Conv1D that could be an output head.
        public var embeddingWeights: Set<String>
        public var headWeights: Set<String>
        /// Modules whose class ckpt knows only from the printout (containers of unknown class, sizeless unknown
        /// layers), by path, with their class names.
        public var printoutOnly: [String: String]
        /// The checkpoint's keys (under the model's names), shapes and dtypes.
        public var checkpoint: OrderedDictionary<String, (shape: [Int], dtype: DType)>
        /// Checkpoint keys whose tensor shares storage with an earlier key's (a `.pt` of tied weights).
        public var checkpointShared: [String: String]
        /// Keys a safetensors file dropped as duplicates of others (`safetensors.torch.save_model`'s metadata).
        public var droppedDuplicates: [String: String]
        public var missing: [String]
        public var unexpected: [String]
        /// The checkpoint's file name, for the evidence.
        public var file: String
    }

    public var additions: [ModelFileAddition] = []
    public var ambiguities: [Ambiguity] = []
    /// Missing keys the model already ties to a key that loaded: harmless, but a strict load lists them.
    public var tiedMissing: [(key: String, partner: String)] = []

    public static func == (a: ModelCompletion, b: ModelCompletion) -> Bool {
        a.additions == b.additions && a.ambiguities == b.ambiguities && a.tiedMissing.map(\.key) == b.tiedMissing.map(\.key)
    }

    /// Names that mark a buffer rather than a parameter when a checkpoint holds a tensor the printout does not show.
    static let bufferNames: Set<String> = ["running_mean", "running_var", "num_batches_tracked", "position_ids", "inv_freq", "token_type_ids"]

    public init(_ f: Facts) {
        for key in f.unexpected { declare(key, f) }
        let loaded = Set(f.checkpoint.keys).intersection(f.modelShapes.keys)
        var tied: Set<String> = []
        for key in f.missing {
            if let partner = f.modelTies[key], loaded.contains(partner) { tiedMissing.append((key, partner)); continue }
            if let kept = f.droppedDuplicates[key], loaded.contains(kept) {
                tie(key, to: kept, "\(f.file)'s metadata says '\(key)' was saved as '\(kept)' (safetensors drops tied duplicates)")
                tied.insert(key)
            }
        }
        // Keys both present but one storage: the model file must say they are one tensor, or the count is double.
        for (key, first) in f.checkpointShared where f.modelShapes[key] != nil && f.modelShapes[first] != nil && f.modelTies[key] != first {
            tie(key, to: first, "in \(f.file), '\(key)' and '\(first)' are one storage (torch.save of tied weights)")
        }
        for key in f.missing where !tied.contains(key) && f.modelTies[key] == nil {
            guard f.headWeights.contains(key) || f.embeddingWeights.contains(key), let shape = f.modelShapes[key] else { continue }
            let candidates = f.embeddingWeights.filter { $0 != key && loaded.contains($0) && f.checkpoint[$0]?.shape == shape }.sorted()
            if candidates.count == 1 {
                tie(key, to: candidates[0], "'\(key)' \(shape) is missing from \(f.file), which holds the embedding '\(candidates[0])' of its shape "
                    + "(transformers' save_pretrained writes tied weights once)")
            } else if candidates.count > 1 {
                ambiguities.append(Ambiguity(key: key, candidates: candidates))
            }
        }
    }

    /// An unexpected key registered on a module ckpt knows only from its printout becomes a declaration in it.
    private mutating func declare(_ key: String, _ f: Facts) {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.last, let (shape, dtype) = f.checkpoint[key] else { return }
        let path = parts.dropLast().joined(separator: ".")
        guard let className = f.printoutOnly[path] else { return }
        let isBuffer = !dtype.isFloatingPoint || Self.bufferNames.contains(name)
        let line = isBuffer
            ? "(\(name)): Buffer(\(shape.map(String.init).joined(separator: ", "))\(dtype == .float32 ? "" : ", dtype=\(dtype.torchName)"))"
            : Module.parameterLine(name, typeName: dtype.torchName, shape: shape)
        let place = path.isEmpty ? "the root module" : "'\(path)'"
        additions.append(ModelFileAddition(module: path, line: line, evidence: "\(f.file) holds '\(key)' \(shape) on \(place) (class \(className), "
                                           + "which ckpt knows only from its printout; a printout does not show tensors registered on a module)"))
    }

    private mutating func tie(_ key: String, to target: String, _ evidence: String) {
        additions.append(ModelFileAddition(module: "", line: "(\(key)): (\(target))", evidence: evidence))
    }

    /// load-into's diagnosis lines: each addition with the line to write, each ambiguity, each harmless tie.
    public var diagnosis: [String] {
        tiedMissing.map { "'\($0.key)' is tied to '\($0.partner)', which loaded: PyTorch's strict load still lists it as missing; harmless, load with --no-strict" }
            + additions.map { a in
                let place = a.module.isEmpty ? "the model file's root module" : "'\(a.module)'"
                return "\(a.evidence): add the line '\(a.line)' inside \(place) (load-into --complete -o FILE.model writes it)"
            }
            + ambiguities.map { "'\($0.key)' is missing and has the shape of \($0.candidates.map { "'\($0)'" }.joined(separator: " and ")): the checkpoint does not say which it is tied to" }
    }
}
