import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Damaged distributed checkpoints: rewritten `.metadata` files (gaps, overlaps, paths leaving the folder, regions
/// past the end, compression, a missing file, os.system) are refused in one line naming the folder; truncated and
/// bit-flipped copies of `.metadata` and of a `.distcp` file fail in one line or read.
@Suite struct DCPDamageTests {
    @Test(arguments: [
        ("gap", "DCP tensor 'w': its chunks hold 12 of its 18 elements (a gap)"),
        ("overlap", "DCP tensor 'w': chunks at [0, 0] and [1, 0] overlap"),
        ("escape", "DCP storage file '../tiny/__0_0.distcp' leaves the checkpoint's folder"),
        ("past_end", "of __0_0.distcp, which has"),
        ("transform", "DCP item 'w' is stored through transforms (zstd), which ckpt does not read"),
        ("missing", "DCP storage file '__0_0.distcp' does not exist"),
        ("unsafe", "system, which torch.load(weights_only=True) refuses"),
    ])
    func hostileFoldersAreRefused(_ name: String, _ message: String) throws {
        let path = Fixtures.path("dcp_files/hostile/" + name)
        let error = try #require(throws: FileError.self) { try Self.readAll(path) }
        #expect(error.path == path && error.description.contains(message) && !error.description.contains("\n"), "\(error)")
    }

    /// Copies `Fixtures/dcp_files/<name>` into a temporary folder, lets `damage` change one file, reads everything.
    static func damaged(_ name: String, _ member: String, _ damage: (inout Data) -> Void) throws -> Error? {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let copy = dir.appendingPathComponent("ck")
        try FileManager.default.copyItem(at: Fixtures.url("dcp_files/" + name), to: copy)
        var data = try Data(contentsOf: copy.appendingPathComponent(member))
        damage(&data)
        try data.write(to: copy.appendingPathComponent(member))
        do { try readAll(copy.path); return nil } catch { return error }
    }

    @Test(arguments: [".metadata", "__1_0.distcp"])
    func truncatedFilesAreOneLineErrors(_ member: String) throws {
        let size = try Fixtures.data("dcp_files/sharded/" + member).count
        for cut in Set(stride(from: 0, to: size, by: max(1, size / 60)).map { $0 } + [size - 1]) {
            let error = try Self.damaged("sharded", member) { $0 = $0.prefix(cut) }
            #expect(error is FileError, "\(member) cut at \(cut): \(String(describing: error))")
            #expect(!String(describing: error).contains("\n"))
        }
    }

    /// A `.metadata` that is no pickle at all: the error says which file of the folder.
    @Test func anEmptyMetadataFileIsNamed() throws {
        let error = try Self.damaged("sharded", ".metadata") { $0 = Data() }
        #expect(String(describing: error ?? CheckpointError.malformed("read")).contains(": .metadata: pickle ends without STOP"), "\(String(describing: error))")
    }

    @Test(arguments: [".metadata", "__0_0.distcp"])
    func bitFlippedFilesAreErrorsOrReadable(_ member: String) throws {
        let size = try Fixtures.data("dcp_files/sharded/" + member).count
        var errors = 0
        for (i, position) in stride(from: 0, to: size, by: max(1, size / 150)).enumerated() {
            if let error = try Self.damaged("sharded", member, { $0[position] ^= UInt8(1 << (i % 8)) }) {
                errors += 1
                #expect(error is FileError && !String(describing: error).contains("\n"), "\(member) flipped at \(position): \(error)")
            }
        }
        #expect(errors > 0)
    }

    static func readAll(_ path: String) throws {
        for t in try Checkpoint.read(path).stateDict.tensors.values { _ = try t.contiguousBytes() }
    }
}
