import CkptCore
import CkptFormats
import CkptModel
import CkptNN
import CkptReports
import Foundation
import OrderedCollections

extension LoadSession {
    /// What the checkpoint says the model file leaves out, after `load()` gave `result`.
    public func completion(of result: LoadReport) throws -> ModelCompletion {
        let own = module.stateDict()
        var firstKey: [ObjectIdentifier: String] = [:], modelTies: [String: String] = [:]
        for (key, t) in own {
            if let first = firstKey[ObjectIdentifier(t)] { modelTies[key] = first } else { firstKey[ObjectIdentifier(t)] = key }
        }
        var embeddings: Set<String> = [], heads: Set<String> = [], printoutOnly: [String: String] = [:]
        for (path, m) in module.namedModules() {
            let weight = path.isEmpty ? "weight" : path + ".weight"
            switch m.schema?.name {
            case "Embedding": embeddings.insert(weight)
            case "Linear", "NonDynamicallyQuantizableLinear", "Conv1D": heads.insert(weight)
            default: if m is CustomModule || m is OpaqueModule { printoutOnly[path] = m.typeName }
            }
        }
        let tensors = alignment.tensors
        let file = (checkpoint.file as NSString).lastPathComponent
        let facts = ModelCompletion.Facts(
            modelShapes: OrderedDictionary(uniqueKeysWithValues: own.map { ($0.key, $0.value.shape) }), modelTies: modelTies,
            embeddingWeights: embeddings, headWeights: heads, printoutOnly: printoutOnly,
            checkpoint: OrderedDictionary(uniqueKeysWithValues: tensors.map { ($0.key, (shape: $0.value.shape, dtype: $0.value.dtype)) }),
            checkpointShared: tensors.sharedWith, droppedDuplicates: try droppedDuplicates(tensors), missing: result.missingKeys,
            unexpected: result.unexpectedKeys, file: file)
        return ModelCompletion(facts)
    }

    /// `safetensors.torch.save_model` writes the tied duplicates it drops into the header's metadata, removed → kept.
    private func droppedDuplicates(_ tensors: OrderedDictionary<String, TensorEntry>) throws -> [String: String] {
        let attributes = try checkpoint.read().stateDict.attributes
        return attributes.filter { tensors[$0.key] == nil && tensors[$0.value] != nil }.reduce(into: [:]) { $0[$1.key] = $1.value }
    }

    /// `load-into --complete -o OUT`: the model file with the completion's lines written in (each after a comment
    /// with its evidence), written to `output`; refused when the completion is ambiguous or the model is no model file.
    public func complete(writingTo output: String) throws -> ModelCompletion {
        guard case .modelFile(let path) = model else { throw PathError(path: model.path, .completionNeedsModelFile) }
        if result == nil { _ = try load() }
        guard let result else { throw PathError(path: model.path, .holdsNoTensors) }
        let completion = try completion(of: result)
        if let a = completion.ambiguities.first {
            throw PathError(path: checkpoint.file, .ambiguousTie(key: a.key, candidates: a.candidates))
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw PathError(path: path, .notText) }
        let completed: String
        do { completed = try ModelFile.adding(completion.additions, to: text) } catch let e as ModelFileError {
            throw PathError(path: path, .modelFile(e.description))
        }
        try AtomicFile.write(to: output) { tmp in
            try Data((completed.hasSuffix("\n") ? completed : completed + "\n").utf8).write(to: URL(fileURLWithPath: tmp))
        }
        return completion
    }
}

/// `load-into --complete`: the lines written into the completed model file, and how the checkpoint then loads
/// into it.
public struct CompletionReport: Encodable {
    public var written: String
    public var additions: [ModelFileAddition]
    public var load: LoadIntoReport
    /// Whether the checkpoint fits the completed model: it loads, or the only keys it lacks are tied to keys it
    /// holds (a file that stores tied weights once; PyTorch's strict load still lists them as missing).
    public var ok: Bool

    enum CodingKeys: String, CodingKey { case written, additions, load, ok }

    /// Completes `session`'s model file from its checkpoint into `output`, then loads the checkpoint into the
    /// completed model with the same options (keys and shapes only).
    public init(completing session: LoadSession, into output: String) throws {
        let completion = try session.complete(writingTo: output)
        written = output
        additions = completion.additions
        let completed = try LoadSession(model: .modelFile(path: output), checkpoint: session.checkpoint, options: session.options, values: false)
        load = try completed.load()
        let tied = Set(try completed.result.map { try completed.completion(of: $0).tiedMissing.map(\.key) } ?? [])
        ok = load.ok || (load.unexpectedKeys.isEmpty && load.sizeMismatch.isEmpty && Set(load.missingKeys).isSubset(of: tied))
    }
}
