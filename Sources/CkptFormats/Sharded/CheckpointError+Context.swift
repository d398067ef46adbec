import CkptCore

extension CheckpointError {
    /// The same error with `prefix` before its message (to say which member or shard it concerns).
    func prefixed(_ prefix: String) -> CheckpointError {
        switch self {
        case .unrecognized(let m): return .unrecognized(prefix + m)
        case .truncated(let m): return .truncated(prefix + m)
        case .malformed(let m): return .malformed(prefix + m)
        case .unsafe(let m): return .unsafe(prefix + m)
        case .unsupported(let m): return .unsupported(prefix + m)
        case .tooLarge(let m): return .tooLarge(prefix + m)
        case .notFound(let m): return .notFound(prefix + m)
        case .io(let m): return .io(prefix + m)
        }
    }
}
