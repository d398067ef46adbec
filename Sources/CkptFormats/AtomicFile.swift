import CkptCore
import Foundation

/// Writes a file through a temporary sibling and `rename(2)`, so a reader never sees half a file.
public enum AtomicFile {
    /// Calls `body` with a temporary path in `path`'s folder, then renames it to `path`. Cleans up on error.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = dir + "/.\(url.lastPathComponent).ckpt-tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        do {
            try body(tmp)
            guard rename(tmp, path) == 0 else {
                throw CheckpointError.io("cannot rename into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(tmp)
            throw error
        }
    }
}
