import CkptCore

/// Placeholder until the format lands.
public enum TorchLegacyReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("TorchLegacyReader is not implemented yet") }
}
