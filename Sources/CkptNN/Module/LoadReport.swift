/// What `load(_:strict:)` found, as PyTorch's `_IncompatibleKeys` plus the size mismatches it raises for.
public struct LoadReport: Sendable, Equatable {
    /// A checkpoint tensor whose shape differs from the model's.
    public struct SizeMismatch: Sendable, Equatable {
        public var key: String
        public var checkpoint: [Int]
        public var model: [Int]
        public init(key: String, checkpoint: [Int], model: [Int]) { self.key = key; self.checkpoint = checkpoint; self.model = model }

        /// PyTorch's wording.
        public var message: String {
            "size mismatch for \(key): copying a param with shape \(LoadReport.torchSize(checkpoint)) from checkpoint, "
                + "the shape in current model is \(LoadReport.torchSize(model))."
        }
    }

    /// Model keys the checkpoint lacks, in the model's order.
    public var missingKeys: [String] = []
    /// Checkpoint keys the model lacks, in the checkpoint's order.
    public var unexpectedKeys: [String] = []
    public var sizeMismatches: [SizeMismatch] = []
    /// Keys whose values were copied.
    public var loaded: [String] = []
    public var strict: Bool

    public init(strict: Bool) { self.strict = strict }

    /// Whether `load_state_dict` would succeed: no size mismatch, and with `strict` no missing or unexpected key.
    public var ok: Bool { sizeMismatches.isEmpty && (!strict || (missingKeys.isEmpty && unexpectedKeys.isEmpty)) }

    /// PyTorch's error text: `Error(s) in loading state_dict for Net:` and one line per problem.
    public func errorMessage(moduleName: String) -> String {
        var lines: [String] = []
        if strict {
            if !missingKeys.isEmpty { lines.append("Missing key(s) in state_dict: " + missingKeys.map { "\"\($0)\"" }.joined(separator: ", ") + ". ") }
            if !unexpectedKeys.isEmpty { lines.append("Unexpected key(s) in state_dict: " + unexpectedKeys.map { "\"\($0)\"" }.joined(separator: ", ") + ". ") }
        }
        lines += sizeMismatches.map(\.message)
        return "Error(s) in loading state_dict for \(moduleName):\n\t" + lines.joined(separator: "\n\t")
    }

    /// `torch.Size([120, 400])`.
    static func torchSize(_ shape: [Int]) -> String { "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])" }
}
