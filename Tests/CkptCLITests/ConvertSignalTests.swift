import CkptTestSupport
import Foundation
import Testing

/// `ckpt convert` ended by SIGTERM or SIGKILL while it writes: the target is its old self or the complete new
/// file, and nothing else is left in the folder. The moments are chosen by how much of the new file has been
/// written (read from /proc), not by clocks, so the test sees the same states on a fast or a loaded machine.
@Suite(.serialized) struct ConvertSignalTests {
    /// A safetensors file of `megabytes` MiB: four float32 tensors with distinct bytes.
    static func bigSafetensors(at path: String, megabytes: Int) throws {
        let per = megabytes << 18 / 4  // elements per tensor (4 bytes each, 4 tensors)
        var header = "{"
        for i in 0 ..< 4 {
            header += "\"layer\(i).weight\":{\"dtype\":\"F32\",\"shape\":[\(per)],\"data_offsets\":[\(i * per * 4),\((i + 1) * per * 4)]}"
            header += i < 3 ? "," : "}"
        }
        while (header.utf8.count + 8) % 8 != 0 { header += " " }
        var bytes = [UInt8](repeating: 0, count: 8)
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.replaceSubrange(0 ..< 8, with: $0) }
        bytes += Array(header.utf8)
        var body = [UInt8](repeating: 0, count: per * 16)
        for i in stride(from: 0, to: body.count, by: 4093) { body[i] = UInt8(truncatingIfNeeded: i / 4093) }
        try Data(bytes + body).write(to: URL(fileURLWithPath: path))
    }

    /// Bytes of the file `ckpt` is writing in `folder` so far (an unnamed O_TMPFILE file, or a named temporary),
    /// found through /proc/PID/fd; nil when it has none open.
    static func writtenBytes(pid: Int32, folder: String) -> Int? {
        let fds = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: fds) else { return nil }
        for fd in entries {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: fds + "/" + fd),
                  target.hasPrefix(folder + "/"), target.contains("(deleted)") || target.contains(".ckpt-tmp-") else { continue }
            var st = stat()
            if stat(fds + "/" + fd, &st) == 0 { return Int(st.st_size) }
        }
        return nil
    }

    /// Starts `ckpt convert big out` and kills it with `signal` once `fraction` of `expected` bytes are written
    /// (0: at once). Returns whether the signal ended it (rather than it finishing first). Spawned with every
    /// signal unblocked and at its default action: a test runner's own mask must not shield the child.
    static func convertKilled(in folder: String, output: String, signal: Int32, fraction: Double, expected: Int,
                              environment: [String: String]) throws -> Bool {
        let argv = [CLIRunner.binary.path, "convert", folder + "/big.safetensors", output, "-q"]
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let cArgs = argv.map { strdup($0) } + [nil], cEnv = env.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        #expect(spawned == 0, "cannot start ckpt: \(spawned)")
        guard spawned == 0 else { return false }
        var status: Int32 = 0
        if fraction > 0 {
            while true {
                if waitpid(pid, &status, WNOHANG) == pid { return false }  // finished before the moment came
                if let n = writtenBytes(pid: pid, folder: folder), Double(n) >= fraction * Double(expected) { break }
                usleep(200)
            }
        }
        kill(pid, signal)  // harmless if it has just ended: it is not reaped yet, so its pid is not reused
        waitpid(pid, &status, 0)
        return status & 0x7f == signal  // WIFSIGNALED with this signal
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")),
          arguments: [("pt", [String: String]()), ("h5", [:]), ("safetensors", ["CKPT_ATOMIC_NAMED": "1"])])
    func killedConvertLeavesOldOrNewFileAndNothingElse(ext: String, environment: [String: String]) throws {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let big = folder.path + "/big.safetensors", out = folder.path + "/out." + ext
        try ConvertSignalTests.bigSafetensors(at: big, megabytes: 8)
        // The complete new file, made once by a run that is left alone.
        let reference = try CLIRunner.run(["convert", big, out, "-q"], environment: environment)
        #expect(reference.status == 0, "\(reference.stderr)")
        let new = try Data(contentsOf: URL(fileURLWithPath: out))
        let old = Data("the old file".utf8)
        // The portable path (a named temporary) can clean up only after signals it can catch.
        let signals = environment["CKPT_ATOMIC_NAMED"] == nil ? [SIGTERM, SIGKILL] : [SIGTERM, SIGINT, SIGHUP]
        for signal in signals {
            var killed = 0
            for fraction in [0, 0.3, 0.8] {
                try old.write(to: URL(fileURLWithPath: out))
                killed += try ConvertSignalTests.convertKilled(in: folder.path, output: out, signal: signal, fraction: fraction,
                                                     expected: new.count, environment: environment) ? 1 : 0
                var names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                // Replacing an existing file takes two calls (linkat to a temporary name, rename over the target):
                // a SIGKILL between them, which nothing can catch, leaves that name holding the complete new file,
                // which the next write to the same target removes (its writer is gone).
                let leftover = signal == SIGKILL ? names.first(where: { $0.hasPrefix(".out.\(ext).ckpt-tmp-") }) : nil
                if let leftover {
                    let path = folder.path + "/" + leftover
                    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == new || ext == "h5", "a partial temporary: \(leftover)")
                    names.removeAll { $0 == leftover }
                }
                #expect(names == ["big.safetensors", "out." + ext], "signal \(signal) at \(fraction): \(names)")
                let now = try Data(contentsOf: URL(fileURLWithPath: out))
                if now != old && now != new {  // HDF5 files carry creation times: compare contents
                    let same = try CLIRunner.run(["diff", out, big, "-q"])
                    #expect(same.status == 0, "signal \(signal) at \(fraction): out.\(ext) is neither the old nor the new file")
                }
                if let leftover {
                    let next = try CLIRunner.run(["convert", big, out, "-q"], environment: environment)
                    #expect(next.status == 0, "\(next.stderr)")
                    let after = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                    #expect(after == ["big.safetensors", "out." + ext], "the next write left \(leftover): \(after)")
                }
            }
            #expect(killed > 0, "signal \(signal) never arrived while convert was running")
        }
    }
}
