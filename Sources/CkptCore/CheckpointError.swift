/// What went wrong reading or writing a checkpoint. `description` is one line, without the file name:
/// the CLI prints `ckpt: error: FILE: <description>`.
public enum CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file is not in any format ckpt knows.
    case unrecognized(String)
    /// The file ends before the structure it declares.
    case truncated(String)
    /// The structure is inconsistent (bad offsets, sizes that lie, out-of-range views).
    case malformed(String)
    /// The file asks for something the restricted reader refuses (a pickle global, an opcode).
    case unsafe(String)
    /// A valid file using a feature ckpt does not implement.
    case unsupported(String)
    /// A declared size that would need an unreasonable allocation.
    case tooLarge(String)
    /// A key or entry that does not exist.
    case notFound(String)
    /// An operating-system or library failure (open, mmap, rename, libhdf5).
    case io(String)

    public var description: String {
        switch self {
        case .unrecognized(let m), .truncated(let m), .malformed(let m), .unsafe(let m),
             .unsupported(let m), .tooLarge(let m), .notFound(let m), .io(let m):
            return m
        }
    }
}

/// An error that already names the file it concerns (`FILE: problem`).
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let underlying: CheckpointError
    public init(path: String, _ underlying: CheckpointError) { self.path = path; self.underlying = underlying }
    public var description: String { "\(path): \(underlying.description)" }
}
