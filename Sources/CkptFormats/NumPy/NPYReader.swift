import CkptCore

/// Placeholder until the format lands.
public enum NPYReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("NPYReader is not implemented yet") }
}
