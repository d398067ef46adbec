/// How a checkpoint is loaded into a model: `load_state_dict`'s strictness and ckpt's renaming and matching.
public struct LoadOptions: Sendable, Equatable {
    /// How checkpoint keys find model keys.
    public enum Matching: String, Sendable, Equatable {
        /// By name (after the key map), as `load_state_dict`.
        case names
        /// Unmatched keys paired by registration order, shape and leaf name (`--match shape`).
        case shape
    }

    /// Missing or unexpected keys fail the load (size mismatches fail either way).
    public var strict: Bool
    /// `REGEX=REPLACEMENT` rules renaming checkpoint keys first, in order (parsed by `KeyMap` when the session
    /// aligns, so a bad rule is reported after the files it concerns have been read).
    public var keyMap: [String]
    public var matching: Matching

    public init(strict: Bool = true, keyMap: [String] = [], matching: Matching = .names) {
        self.strict = strict
        self.keyMap = keyMap
        self.matching = matching
    }
}
