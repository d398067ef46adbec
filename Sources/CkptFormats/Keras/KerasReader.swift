import CkptCore

/// Placeholder until the format lands.
public enum KerasReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("KerasReader is not implemented yet") }
}
