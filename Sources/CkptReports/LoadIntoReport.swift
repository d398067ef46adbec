import CkptCore
import CkptNN
import OrderedCollections

/// What `ckpt load-into` found: PyTorch's `load_state_dict` outcome plus renames and diagnoses (CLI.md's JSON).
public struct LoadIntoReport: Encodable, Sendable, Equatable {
    public struct SizeMismatch: Encodable, Sendable, Equatable {
        public var key: String
        public var checkpoint: [Int]
        public var model: [Int]
    }

    public struct Rename: Encodable, Sendable, Equatable {
        public var from: String
        public var to: String
        public init(from: String, to: String) { self.from = from; self.to = to }
    }

    public var model: String
    public var checkpoint: String
    public var strict: Bool
    public var ok: Bool
    public var loaded: Int
    public var missingKeys: [String]
    public var unexpectedKeys: [String]
    public var sizeMismatch: [SizeMismatch]
    public var renamed: [Rename]
    public var diagnosis: [String]
    /// The model's class name (for PyTorch's error text).
    public var modelClass: String = ""
    /// Tensors in the model's state_dict.
    public var modelTensors: Int = 0

    enum CodingKeys: String, CodingKey {
        case model, checkpoint, strict, ok, loaded, renamed, diagnosis
        case missingKeys = "missing_keys", unexpectedKeys = "unexpected_keys", sizeMismatch = "size_mismatch"
    }

    /// Builds the report from a `Module.load` result; `renamed` maps checkpoint keys to the model keys they were
    /// loaded as.
    public init(model: String, checkpoint: String, modelClass: String, modelTensors: Int, load: LoadReport,
                renamed: [(from: String, to: String)], notes: [String] = []) {
        self.model = model
        self.checkpoint = checkpoint
        self.modelClass = modelClass
        self.modelTensors = modelTensors
        strict = load.strict
        ok = load.ok
        loaded = load.loaded.count
        missingKeys = load.missingKeys
        unexpectedKeys = load.unexpectedKeys
        sizeMismatch = load.sizeMismatches.map { SizeMismatch(key: $0.key, checkpoint: $0.checkpoint, model: $0.model) }
        self.renamed = renamed.map { Rename(from: $0.from, to: $0.to) }
        diagnosis = notes + LoadDiagnosis.explain(missing: load.missingKeys, unexpected: load.unexpectedKeys,
                                                  sizeMismatches: load.sizeMismatches)
    }

    /// PyTorch's `RuntimeError` text for this outcome, or nil when `load_state_dict` would succeed.
    public var pytorchError: String? {
        var report = LoadReport(strict: strict)
        report.missingKeys = missingKeys
        report.unexpectedKeys = unexpectedKeys
        report.sizeMismatches = sizeMismatch.map { .init(key: $0.key, checkpoint: $0.checkpoint, model: $0.model) }
        return report.ok ? nil : report.errorMessage(moduleName: modelClass)
    }
}
