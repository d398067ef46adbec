import CkptCore

/// A format's reader: builds a lazy `StateDict` from a mapped file without reading tensor bytes.
public protocol CheckpointReader {
    static func read(_ file: MappedFile) throws -> StateDict
}

/// A format's writer: writes `stateDict` to `path` (a temporary file the caller renames into place).
public protocol CheckpointWriter {
    static func write(_ stateDict: StateDict, to path: String) throws
}
