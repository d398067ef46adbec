import CkptCore

/// Placeholder until the format lands.
public enum ShardedReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("ShardedReader is not implemented yet") }
}
