import CFileCleanup
import CkptCore
import Foundation

/// Writes a file so that the target is always either its old self or the complete new file, and nothing else is
/// left in its folder, whatever ends the process.
///
/// On Linux the file is written unnamed (`O_TMPFILE` in the target's folder, reached by writers as
/// `/proc/self/fd/N`) and given its name only when complete: `linkat(2)` when the target does not exist, else
/// `linkat` to a temporary name and `rename(2)` over the target, two calls during which SIGINT, SIGTERM and
/// SIGHUP are held back in the writing thread and, taken by any other, remove the temporary name. A SIGKILL (or a
/// crash) before that leaves nothing: the kernel frees an unnamed file with its last descriptor. Elsewhere (or on
/// a file system without `O_TMPFILE`) the file is written under a hidden temporary name that a SIGINT/SIGTERM/SIGHUP
/// handler removes (a SIGKILL there leaves it behind).
/// What a SIGKILL leaves behind is removed by the next write to the same target (`removeStaleTemporaries`).
public enum AtomicFile {
    /// Calls `body` with a path to write the new file to, then puts the file in place at `path`. On error nothing
    /// is left behind and `path` is untouched.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        // CKPT_ATOMIC_NAMED=1 takes the portable path on Linux too (its tests).
        try write(to: path, forceNamed: ProcessInfo.processInfo.environment["CKPT_ATOMIC_NAMED"] == "1", body)
    }

    /// `write(to:_:)`, taking the portable path (a named temporary) when `forceNamed`.
    static func write(to path: String, forceNamed: Bool, _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        removeStaleTemporaries(of: path)
        let temporary = folder + "/" + temporaryPrefix(url.lastPathComponent) + "\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = forceNamed ? -1 : ckpt_open_unnamed(folder)
        if fd >= 0 {
            defer { close(fd) }
            try body("/proc/self/fd/\(fd)")
            try withSignalsHeld {
                if ckpt_link_unnamed(fd, path) == 0 { return }
                guard errno == EEXIST else { throw failure("cannot give the new file its name") }
                // Held back in this thread only: a signal sent to the process may be taken by another thread (a
                // Dispatch worker, OpenBLAS's), whose handler then removes the temporary name.
                let slot = ckpt_cleanup_register(temporary)
                defer { ckpt_cleanup_unregister(slot) }
                guard ckpt_link_unnamed(fd, temporary) == 0 else { throw failure("cannot give the new file a name") }
                guard rename(temporary, path) == 0 else {
                    let error = failure("cannot rename into place")
                    unlink(temporary)
                    throw error
                }
            }
            return
        }
        let slot = ckpt_cleanup_register(temporary)
        defer { ckpt_cleanup_unregister(slot) }
        do {
            try body(temporary)
            try withSignalsHeld {
                guard rename(temporary, path) == 0 else { throw failure("cannot rename into place") }
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Runs `body` with SIGINT, SIGTERM and SIGHUP blocked in this thread.
    private static func withSignalsHeld(_ body: () throws -> Void) throws {
        var mask = [UInt8](repeating: 0, count: 256)
        mask.withUnsafeMutableBytes { ckpt_cleanup_block_signals($0.baseAddress) }
        defer { mask.withUnsafeBytes { ckpt_cleanup_restore_signals($0.baseAddress) } }
        try body()
    }

    private static func failure(_ what: String) -> CheckpointError {
        .io("\(what): \(String(cString: strerror(errno)))")
    }
}
