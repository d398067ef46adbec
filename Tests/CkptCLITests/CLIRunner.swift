import CkptTestSupport
import Foundation

/// Runs the built `ckpt` binary (`.build/debug/ckpt`, found from this file's path) and captures everything.
enum CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stderr's lines (no trailing empty line).
        var errorLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
        /// True when the process ended normally (not killed by a signal: no crash, no trap, no hang).
        var exitedNormally = true
    }

    /// `CKPT_TEST_BINARY` runs another build (`make sanitize`'s).
    static let binary = ProcessInfo.processInfo.environment["CKPT_TEST_BINARY"].map(URL.init(fileURLWithPath:))
        ?? Fixtures.packageRoot.appendingPathComponent(".build/debug/ckpt")

    /// Runs `ckpt args…` with `NO_COLOR` set, stdout and stderr captured through files (no pipe deadlocks), in
    /// `directory` when given, under an address-space limit of `addressSpaceKiB` (`ulimit -v`) when given.
    static func run(_ args: [String], environment: [String: String] = [:], directory: URL? = nil,
                    addressSpaceKiB: Int? = nil) throws -> Result {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        if let addressSpaceKiB {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "ulimit -v \(addressSpaceKiB) && exec \"$0\" \"$@\"", binary.path] + args
        } else {
            p.executableURL = binary
            p.arguments = args
        }
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        // A hang on hostile input must fail the test, not stall the suite: a generous guard, not a timing check.
        var hung = false
        if done.wait(timeout: .now() + 300) == .timedOut {
            hung = true
            p.terminate()
            done.wait()
        }
        // Ends Foundation's Process bookkeeping: until waitUntilExit (here returning at once) the Process and its
        // run-loop source hold each other, and every run would leak both (LeakSanitizer, `make sanitize`).
        p.waitUntilExit()
        try outHandle.close(); try errHandle.close()
        return Result(status: p.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                      exitedNormally: !hung && p.terminationReason == .exit)
    }
}
