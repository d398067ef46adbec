import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Damaged copies of every reference fixture, read in-process through `Checkpoint.read` and every tensor's
/// bytes: a truncated copy is always an error, a bit-flipped copy is an error or a readable checkpoint; an
/// error is a `FileError` with one line of text. Never a crash or a hang (the process would die).
@Suite struct ReferenceDamageTests {
    /// Reads the file and every tensor's bytes; the error thrown, if any.
    static func readAll(_ path: String) -> Error? {
        do {
            let checkpoint = try Checkpoint.read(path)
            for (_, tensor) in checkpoint.stateDict.tensors { _ = try tensor.contiguousBytes() }
            return nil
        } catch {
            return error
        }
    }

    static func expectOneLine(_ error: Error, _ what: String) {
        #expect(error is FileError, "\(what): \(type(of: error)) \(error)")
        let text = String(describing: error)
        #expect(!text.isEmpty && !text.contains("\n"), "\(what): \(text)")
    }

    /// Cut points spread over the file, dense at the start where headers live.
    static func cuts(_ n: Int) -> [Int] {
        let fixed = [1, 8, 12, 30, 64, 300, 1024]
        let spread = (1 ..< 4).map { n * $0 / 4 }
        return Set(fixed + spread + [n - 16, n - 1]).filter { $0 > 0 && $0 < n }.sorted()
    }

    @Test(arguments: ReferenceManifest.allFiles)
    func truncatedCopiesAreOneLineErrors(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: ReferenceManifest.path(name)))
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        // Sharded indexes name their shards relative to their own folder: copy the shards beside the damaged index.
        if name.contains("/") {
            let source = URL(fileURLWithPath: ReferenceManifest.path(name)).deletingLastPathComponent()
            for shard in try FileManager.default.contentsOfDirectory(atPath: source.path) where shard.hasSuffix(".safetensors") {
                try FileManager.default.copyItem(at: source.appendingPathComponent(shard), to: folder.appendingPathComponent(shard))
            }
        }
        // Dropping only trailing whitespace leaves a JSON index intact: not a truncation.
        let whitespace: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]
        for cut in Self.cuts(data.count) where !data[cut...].allSatisfy({ whitespace.contains($0) }) {
            let path = folder.appendingPathComponent("cut").path
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            let what = "\(name) cut at \(cut) of \(data.count)"
            guard let error = Self.readAll(path) else {
                Issue.record("\(what): read without error")
                continue
            }
            Self.expectOneLine(error, what)
        }
    }

    @Test(arguments: ReferenceManifest.allFiles)
    func bitFlippedCopiesAreErrorsOrReadable(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: ReferenceManifest.path(name)))
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let path = folder.appendingPathComponent("flip").path
        for (i, position) in Self.cuts(data.count).enumerated() {
            var copy = data
            copy[position] ^= UInt8(1 << (i % 8))
            try copy.write(to: URL(fileURLWithPath: path))
            if let error = Self.readAll(path) {
                Self.expectOneLine(error, "\(name) bit \(i % 8) flipped at \(position)")
            }
        }
    }
}
