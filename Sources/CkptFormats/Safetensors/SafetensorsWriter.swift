import CkptCore

/// Placeholder until the format lands.
public enum SafetensorsWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws { throw CheckpointError.unsupported("SafetensorsWriter is not implemented yet") }
}
