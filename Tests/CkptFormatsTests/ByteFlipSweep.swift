import CkptCore
import CkptTestSupport
import Foundation
import Testing

/// Damaged copies of a fixture: every byte flipped in turn, each copy read in full by a format reader.
enum ByteFlipSweep {
    /// Flips every byte of `Fixtures/<relative>` in turn (in place in a temporary copy, with pwrite) and runs
    /// `read` plus a read of every tensor's bytes on each copy. Returns how many copies were refused with a
    /// `CheckpointError`; any other error or a crash fails the test.
    static func run(_ relative: String, read: (MappedFile) throws -> StateDict) throws -> (failures: Int, total: Int) {
        let bytes = try Fixtures.data(relative)
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let tmp = dir.appendingPathComponent(URL(fileURLWithPath: relative).lastPathComponent).path
        try bytes.write(to: URL(fileURLWithPath: tmp))
        let fd = open(tmp, O_RDWR)
        defer { close(fd) }
        var failures = 0
        for i in bytes.indices {
            var flipped = bytes[i] ^ 0x5A, original = bytes[i]
            _ = pwrite(fd, &flipped, 1, off_t(i))
            do {
                let sd = try read(MappedFile(path: tmp))
                for t in sd.tensors.values { _ = try t.contiguousBytes() }
            } catch is CheckpointError {
                failures += 1
            }
            _ = pwrite(fd, &original, 1, off_t(i))
        }
        return (failures, bytes.count)
    }
}
