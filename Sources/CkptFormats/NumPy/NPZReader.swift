import CkptCore

/// Placeholder until the format lands.
public enum NPZReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("NPZReader is not implemented yet") }
}
