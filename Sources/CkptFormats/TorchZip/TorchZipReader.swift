import CkptCore

/// Placeholder until the format lands.
public enum TorchZipReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("TorchZipReader is not implemented yet") }
}
