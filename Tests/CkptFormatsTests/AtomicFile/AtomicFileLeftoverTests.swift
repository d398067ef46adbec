import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

/// What a SIGKILL between `linkat` and `rename` leaves (`.NAME.ckpt-tmp-PID-N`, the complete new file) is removed by
/// the next write to the same target once its writer is gone, and nothing else is.
@Suite struct AtomicFileLeftoverTests {
    /// The id of a process that has ended and been reaped (so `kill(pid, 0)` fails with ESRCH).
    static func endedProcessID() throws -> pid_t {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exit 0"]
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    @Test func aWriteRemovesTheTemporariesOfEndedWritersOnly() throws {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let out = folder.path + "/out.pt"
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let dead = try Self.endedProcessID(), live = getpid()
        #expect(!AtomicFile.isRunning(dead) && AtomicFile.isRunning(live))
        let stale = [".out.pt.ckpt-tmp-\(dead)-0", ".out.pt.ckpt-tmp-\(dead)-4294967295"]
        let kept = [
            ".out.pt.ckpt-tmp-\(live)-17",           // a live writer's, perhaps being renamed right now
            ".other.pt.ckpt-tmp-\(dead)-1",          // another target's
            ".out.pt.ckpt-tmp-\(dead)-1.bak",        // not ckpt's exact pattern, from here on
            ".out.pt.ckpt-tmp-0\(dead)-1",
            ".out.pt.ckpt-tmp-\(dead)-01",
            ".out.pt.ckpt-tmp-\(dead)-4294967296",
            ".out.pt.ckpt-tmp-\(dead)-1-2",
            ".out.pt.ckpt-tmp-+\(dead)-1",
            ".out.pt.ckpt-tmp--1",
            "out.pt.ckpt-tmp-\(dead)-1",
            ".out.pt.ckpt-tmp-\(dead)-",
        ]
        for name in stale + kept { try Data("new".utf8).write(to: URL(fileURLWithPath: folder.path + "/" + name)) }
        // A folder and a symbolic link with a stale temporary's name are never removed (nor followed).
        try FileManager.default.createDirectory(atPath: folder.path + "/.out.pt.ckpt-tmp-\(dead)-2", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/.out.pt.ckpt-tmp-\(dead)-3", withDestinationPath: out)

        try AtomicFile.write(to: out) { tmp in try Data("newest".utf8).write(to: URL(fileURLWithPath: tmp)) }

        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let expected = Set(kept + ["out.pt", ".out.pt.ckpt-tmp-\(dead)-2", ".out.pt.ckpt-tmp-\(dead)-3"])
        #expect(names == expected, "left: \(names.subtracting(expected).sorted()), missing: \(expected.subtracting(names).sorted())")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "newest")
    }

    @Test func theWritersOwnTemporaryNameHasThePatternItCleans() throws {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        // The portable path writes under the temporary name throughout: check the name it uses is one the clean-up
        // recognises as this process's (and so leaves alone while it runs).
        var seen = ""
        try AtomicFile.write(to: folder.path + "/model.safetensors", forceNamed: true) { tmp in
            seen = URL(fileURLWithPath: tmp).lastPathComponent
            try Data("x".utf8).write(to: URL(fileURLWithPath: tmp))
        }
        let prefix = AtomicFile.temporaryPrefix("model.safetensors")
        #expect(seen.hasPrefix(prefix))
        #expect(AtomicFile.writerID(seen.dropFirst(prefix.count)) == getpid())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }
}
