import CkptCore

/// Placeholder until the format lands.
public enum SafetensorsReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("SafetensorsReader is not implemented yet") }
}
