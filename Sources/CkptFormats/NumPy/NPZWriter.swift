import CkptCore

/// Placeholder until the format lands.
public enum NPZWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws { throw CheckpointError.unsupported("NPZWriter is not implemented yet") }
}
