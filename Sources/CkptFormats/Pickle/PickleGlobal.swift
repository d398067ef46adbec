import CkptCore

/// A global a pickle imports (`collections.OrderedDict`, `os.system`), and whether `torch.load(weights_only=True)` accepts it.
public struct PickleGlobal: Sendable, Codable, Hashable {
    public var module: String
    public var name: String
    public var allowed: Bool
    public init(module: String, name: String, allowed: Bool) { self.module = module; self.name = name; self.allowed = allowed }
    /// `module.name`.
    public var fullName: String { module + "." + name }
}

/// Lists a torch file's pickle globals without building anything (for `inspect --globals`); never fails on a refused global.
public enum PickleGlobalScan {
    /// The globals of a `torch-zip` or `torch-legacy` file, in first-use order, each once.
    public static func scan(_ file: MappedFile, format: CheckpointFormat) throws -> [PickleGlobal] {
        throw CheckpointError.unsupported("pickle global scanning is not implemented yet")
    }
}
