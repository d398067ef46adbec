import CkptCore

/// Placeholder until the format lands.
public enum HDF5Writer: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws { throw CheckpointError.unsupported("HDF5Writer is not implemented yet") }
}
