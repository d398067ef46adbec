import CkptCore

/// Placeholder until the format lands.
public enum NPYWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws { throw CheckpointError.unsupported("NPYWriter is not implemented yet") }
}
