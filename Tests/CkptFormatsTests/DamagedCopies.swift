import CkptCore
import CkptTestSupport
import Foundation
import Testing

/// Damaged copies of a fixture for the readers' robustness tests: cut short, with a byte flipped, or hostile files
/// as committed. Each copy is one temporary file, changed in place between calls (truncate, pwrite).
enum DamagedCopies {
    /// Calls `body` with the path of a copy of `Fixtures/<relative>` cut to each length `lengths(size)` gives
    /// (longest first: one file, truncated down).
    static func truncated(_ relative: String, lengths: (Int) -> [Int], _ body: (_ path: String, _ length: Int) throws -> Void) throws {
        let bytes = try Fixtures.data(relative)
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let path = dir.appendingPathComponent(URL(fileURLWithPath: relative).lastPathComponent).path
        try bytes.write(to: URL(fileURLWithPath: path))
        for length in lengths(bytes.count).sorted(by: >) where length < bytes.count {
            #expect(truncate(path, off_t(length)) == 0)
            try body(path, length)
        }
    }

    /// Calls `body` with the path of a copy of `Fixtures/<relative>` whose byte at each position `positions(size)`
    /// gives is xor'ed with `mask` (one position at a time, restored after each call).
    static func flipped(_ relative: String, mask: UInt8 = 0x5A, positions: (Int) -> [Int],
                        _ body: (_ path: String, _ position: Int) throws -> Void) throws {
        let bytes = try Fixtures.data(relative)
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let path = dir.appendingPathComponent(URL(fileURLWithPath: relative).lastPathComponent).path
        try bytes.write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        for i in positions(bytes.count) {
            var flipped = bytes[i] ^ mask, original = bytes[i]
            _ = pwrite(fd, &flipped, 1, off_t(i))
            try body(path, i)
            _ = pwrite(fd, &original, 1, off_t(i))
        }
    }

    /// Flips every byte of `Fixtures/<relative>` in turn and runs `read` plus a read of every tensor's bytes on each
    /// copy. Returns how many copies were refused with a `CheckpointError`; any other error or a crash fails.
    static func flipEveryByte(_ relative: String, read: (MappedFile) throws -> StateDict) throws -> (failures: Int, total: Int) {
        var failures = 0, total = 0
        try flipped(relative, positions: { Array(0 ..< $0) }) { path, _ in
            total += 1
            do {
                let sd = try read(MappedFile(path: path))
                for t in sd.tensors.values { _ = try t.contiguousBytes() }
            } catch is CheckpointError {
                failures += 1
            }
        }
        return (failures, total)
    }

    /// Expects reading the hostile fixture `Fixtures/<relative>` to fail with a one-line `CheckpointError` that
    /// contains `message`.
    static func expectRefused(_ relative: String, containing message: String, sourceLocation: SourceLocation = #_sourceLocation,
                              _ read: (MappedFile) throws -> Void) throws {
        let file = try Fixtures.map(relative)
        let error = try #require(throws: CheckpointError.self, sourceLocation: sourceLocation) { try read(file) }
        #expect(error.description.contains(message), "\(error)", sourceLocation: sourceLocation)
        #expect(!error.description.contains("\n"), "\(error)", sourceLocation: sourceLocation)
    }
}
