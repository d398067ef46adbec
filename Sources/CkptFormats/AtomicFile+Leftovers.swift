import Foundation

/// Temporary files that an ended writer left beside its target.
///
/// Replacing an existing file on Linux names the complete new file `.NAME.ckpt-tmp-PID-N` for the moment between
/// `linkat(2)` and `rename(2)`, and the portable path writes under that name throughout: a SIGKILL (or a crash,
/// or a power cut) at such a moment leaves it there. The next write to the same target removes what writers that
/// are no longer running left.
extension AtomicFile {
    /// The start of every temporary name for a target named `name`: `.NAME.ckpt-tmp-`, followed by the writer's
    /// process id, `-` and a random number.
    static func temporaryPrefix(_ name: String) -> String { "." + name + ".ckpt-tmp-" }

    /// Removes the temporaries of the target `path` whose writer is no longer a live process: regular files in its
    /// folder named exactly `.NAME.ckpt-tmp-PID-N` (decimal PID and N) for this target's NAME. A process that is
    /// still running (this one included, or one of another user's, which `kill(pid, 0)` answers with EPERM) may
    /// be writing its temporary now: that file is left alone. Failures are ignored (a leftover stays, as before).
    /// Returns the names removed.
    @discardableResult
    static func removeStaleTemporaries(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(url.lastPathComponent)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = writerID(name.dropFirst(prefix.count)), !isRunning(pid) else { continue }
            let leftover = folder + "/" + name
            var st = stat()
            // Never follow a symbolic link or remove anything but a regular file.
            guard lstat(leftover, &st) == 0, st.st_mode & S_IFMT == S_IFREG, unlink(leftover) == 0 else { continue }
            removed.append(name)
        }
        return removed
    }

    /// The process id in a temporary name's tail `PID-N` (both decimal numbers as ckpt writes them: no sign, no
    /// leading zero, N a UInt32); nil for any other tail.
    static func writerID(_ tail: Substring) -> pid_t? {
        let parts = tail.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = decimal(parts[0]).flatMap(pid_t.init(exactly:)), pid > 0,
              let random = decimal(parts[1]), UInt32(exactly: random) != nil else { return nil }
        return pid
    }

    private static func decimal(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text == "0" || !text.hasPrefix("0") else {
            return nil
        }
        return UInt64(text)
    }

    /// Whether `pid` names a process that exists now (a zombie counts: it may not have been reaped yet).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
