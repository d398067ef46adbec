import CkptCore

/// Placeholder until the format lands.
public enum TorchZipWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws { throw CheckpointError.unsupported("TorchZipWriter is not implemented yet") }
}
