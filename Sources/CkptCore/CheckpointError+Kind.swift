extension CheckpointError {
    /// A refusal by the restricted pickle reader: a global or opcode `torch.load(weights_only=True)` would refuse.
    public var isUnsafe: Bool { if case .unsafe = self { return true } else { return false } }

    /// Not in any checkpoint format ckpt knows.
    public var isUnrecognized: Bool { if case .unrecognized = self { return true } else { return false } }
}
