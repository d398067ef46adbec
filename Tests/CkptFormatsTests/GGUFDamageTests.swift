import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Damaged copies of every GGUF fixture, read through `Checkpoint.read` and every tensor's values: a truncated
/// copy is always a one-line `FileError`; a bit-flipped copy is one or reads. Never a crash, a trap or a hang.
@Suite struct GGUFDamageTests {
    /// Reads the file and the values of every tensor not in `skip`; the error, if any.
    static func readAll(_ path: String, skip: Set<String> = []) -> Error? {
        do {
            let c = try Checkpoint.read(path)
            for (key, t) in c.stateDict.tensors where !skip.contains(key) { _ = try t.contiguousBytes() }
            return nil
        } catch {
            return error
        }
    }

    /// Cut points: every byte of the first 160 (magic, version, counts, the first key/values), then spread.
    static func cuts(_ n: Int) -> [Int] {
        Set(Array(0 ..< min(n, 160)) + (1 ..< 24).map { n * $0 / 24 } + [n - 1]).filter { $0 < n }.sorted()
    }

    /// Where a damaged copy of `name` goes in `folder`: under its own name, beside intact copies of the other
    /// parts when it is part of a split (the first part reads them).
    static func copyPath(_ name: String, in folder: URL) throws -> String {
        let base = (name as NSString).lastPathComponent
        if base.hasPrefix("split-") {
            for other in GGUFFixture.names where other.hasPrefix("split-") && other != base {
                try FileManager.default.copyItem(atPath: GGUFFixture.path(other), toPath: folder.appendingPathComponent(other).path)
            }
        }
        return folder.appendingPathComponent(base).path
    }

    static func expectOneLine(_ error: Error, _ what: String) {
        #expect(error is FileError, "\(what): \(type(of: error)) \(error)")
        #expect(!String(describing: error).contains("\n"), "\(what)")
    }

    /// Tensors whose values the intact fixture refuses (types without a dequantizer, big-endian blocks).
    static func refusedByDesign(_ name: String) throws -> Set<String> {
        let tensors = try Checkpoint.read(GGUFFixture.path(name)).stateDict.tensors
        return Set(tensors.filter { (try? $0.value.contiguousBytes()) == nil }.map(\.key))
    }

    @Test(arguments: GGUFFixture.names)
    func truncatedCopiesAreOneLineErrors(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: GGUFFixture.path(name)))
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let path = try Self.copyPath(name, in: folder)
        // gguf-py pads after the last tensor too; cutting only that padding leaves a valid file.
        let header = try GGUFHeader.read(MappedFile(path: GGUFFixture.path(name)))
        let end = header.tensors.last.map { header.dataStart + $0.offset + $0.byteCount } ?? data.count
        let refused = try Self.refusedByDesign(name)
        for cut in Self.cuts(data.count) {
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            let error = Self.readAll(path, skip: refused)
            if cut >= end {
                #expect(error == nil, "\(name) cut at \(cut), after the last tensor's \(end): \(String(describing: error))")
            } else if let error {
                Self.expectOneLine(error, "\(name) cut at \(cut) of \(data.count)")
            } else {
                Issue.record("\(name) cut at \(cut) of \(data.count): read without error")
            }
        }
    }

    @Test(arguments: GGUFFixture.names)
    func bitFlippedCopiesAreErrorsOrReadable(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: GGUFFixture.path(name)))
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let path = try Self.copyPath(name, in: folder)
        var errors = 0
        for (i, position) in Self.cuts(data.count).enumerated() {
            var copy = data
            copy[position] ^= UInt8(1 << (i % 8))
            try copy.write(to: URL(fileURLWithPath: path))
            if let error = Self.readAll(path) {
                errors += 1
                Self.expectOneLine(error, "\(name) bit \(i % 8) flipped at \(position)")
            }
        }
        #expect(errors > 0, "\(name): some header flips must be caught")
    }
}
