import CHDF5
import CkptCore
import Foundation

/// The one door to libhdf5. Every call goes through `HDF5Library.locked` (libhdf5 is not thread-safe in
/// general builds), which also initialises it with automatic error printing off. Errors are taken
/// from libhdf5's error stack and turned into one-line `CheckpointError`s.
enum HDF5Library {
    /// Recursive, so that a handle released inside a locked region may close itself.
    private static let lock = NSRecursiveLock()

    /// Runs `body` holding the library lock, after initialising the library.
    static func locked<R>(_ body: () throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        // Debian's libhdf5 is built thread-safe, which makes the error-printing switch per thread: set it on
        // every entry, since callers come from any thread.
        guard ckpt_h5_init() >= 0 else { throw CheckpointError.io("libhdf5 failed to initialise") }
        return try body()
    }

    /// The innermost message on libhdf5's error stack (clearing it), or nil when the stack is empty.
    static func lastError() -> String? {
        var buf = [CChar](repeating: 0, count: 512)
        ckpt_h5_last_error(&buf)
        let message = String(cString: buf).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? nil : message
    }

    /// An error for a failed libhdf5 call: `what` plus libhdf5's own reason.
    static func failure(_ what: String, kind: (String) -> CheckpointError = CheckpointError.malformed) -> CheckpointError {
        if let reason = lastError() { return kind("\(what): \(reason)") }
        return kind(what)
    }

    /// Checks an id-returning call; throws `failure(what)` when it is negative.
    @discardableResult
    static func check(_ id: hid_t, _ what: @autoclosure () -> String) throws -> hid_t {
        guard id >= 0 else { throw failure(what()) }
        return id
    }

    /// Checks a status-returning call (herr_t / htri_t); throws when it is negative.
    @discardableResult
    static func check(_ status: Int32, _ what: @autoclosure () -> String) throws -> Int32 {
        guard status >= 0 else { throw failure(what()) }
        return status
    }
}

/// An HDF5 object id closed by `close` when the value goes out of scope (`defer { h.close() }` style is
/// error-prone with early throws; this keeps ids from leaking).
final class HDF5ID {
    let id: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, _ closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = closer
    }

    /// Wraps `id` after checking it; throws `what` with libhdf5's reason when it is negative.
    static func checked(_ id: hid_t, _ what: @autoclosure () -> String, closer: @escaping (hid_t) -> herr_t) throws -> HDF5ID {
        HDF5ID(try HDF5Library.check(id, what()), closer)
    }

    deinit { _ = closer(id) }
}
