import CkptCore

/// Placeholder until the format lands.
public enum HDF5Reader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict { throw CheckpointError.unsupported("HDF5Reader is not implemented yet") }
}
