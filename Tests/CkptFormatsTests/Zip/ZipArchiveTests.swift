import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct ZipArchiveTests {
    @Test func storedMembersAreMappedSlices() throws {
        let zip = try ZipArchive(Fixtures.map("flat/zip_two_stored.zip"))
        #expect(zip.entries.map(\.name) == ["a.npy", "b.npy"])
        let a = try #require(zip.entry(named: "a.npy"))
        #expect(a.method == ZipArchive.stored && a.uncompressedSize == 100)
        let data = try zip.data(a)
        #expect(data.mappedFile != nil)
        #expect(try data.load() == [UInt8](repeating: UInt8(ascii: "A"), count: 100))
        #expect(try zip.data(named: "b.npy").load() == [UInt8](repeating: UInt8(ascii: "B"), count: 100))
        #expect(zip.entry(named: "c.npy") == nil)
        #expect(throws: CheckpointError.self) { try zip.data(named: "c.npy") }
        for e in zip.entries { try zip.verifyCRC(e) }
    }

    @Test func torchArchiveHasAlignedDataAndZeroLocalSizes() throws {
        let zip = try ZipArchive(Fixtures.map("flat/torch_small.pt"))
        let names = zip.entries.map(\.name)
        #expect(names.first == "torch_small/data.pkl")
        #expect(names.contains("torch_small/version") && names.contains("torch_small/data/0"))
        for e in zip.entries {
            #expect(e.dataOffset % 64 == 0, "\(e.name) at \(e.dataOffset)")
            #expect(e.flags & 0x8 != 0 || e.uncompressedSize == 0)
            try zip.verifyCRC(e)
        }
        #expect(try zip.data(named: "torch_small/version").load() == Array("3\n".utf8))
        #expect(try zip.data(named: "torch_small/data/0").count == 64)
    }

    @Test func deflatedMemberInflatesLazilyWithCRC() throws {
        let zip = try ZipArchive(Fixtures.map("flat/zip_deflated.zip"))
        let e = try #require(zip.entry(named: "z.npy"))
        #expect(e.method == ZipArchive.deflated && e.compressedSize < 1000 && e.uncompressedSize == 100_000)
        let data = try zip.data(e)
        #expect(data.mappedFile == nil && data.count == 100_000)
        #expect(try data.load() == [UInt8](repeating: 0, count: 100_000))
    }

    @Test func numpyZip64LocalExtraIsSkipped() throws {
        let zip = try ZipArchive(Fixtures.map("flat/plain.npz"))
        #expect(zip.entries.map(\.name) == ["weight.npy", "b.c/d.npy", "flags.npy", "arr_0.npy"])
        for e in zip.entries {
            let head = try zip.data(e).slice(offset: 0, count: 6).load()
            #expect(head == [0x93] + Array("NUMPY".utf8))
            try zip.verifyCRC(e)
        }
    }

    /// Every good zip among the fixtures (those with a manifest: torch.save archives, Keras `.keras`,
    /// np.savez files) opens, and every member's bytes pass their CRC (torch.save writes real CRCs by default).
    @Test func everyRealZipFixtureOpensWithValidCRCs() throws {
        let all = FileManager.default.enumerator(atPath: Fixtures.root.path)?.compactMap { $0 as? String } ?? []
        let listed = try ReferenceManifest.loaded.get().files.keys.map { "reference/" + $0 }
        let good = Set(all.filter { all.contains($0 + ".json") } + listed)
        var opened = 0
        for relative in good.sorted() {
            var isFolder: ObjCBool = false
            // A DCP checkpoint is a folder with its manifest beside it.
            guard FileManager.default.fileExists(atPath: Fixtures.path(relative), isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let file = try Fixtures.map(relative)
            guard file.size >= 4, try file.copyBytes(offset: 0, count: 4) == [0x50, 0x4B, 3, 4] else { continue }
            do {
                let zip = try ZipArchive(file)
                for e in zip.entries { try zip.verifyCRC(e) }
            } catch let e as CheckpointError {
                Issue.record("\(relative): \(e)")
            }
            opened += 1
        }
        #expect(opened >= 20, "\(opened) zip fixtures")
    }

    @Test(arguments: [
        ("bad_zip_truncated.zip", "end-of-central-directory"),
        ("bad_zip_lying_sizes.zip", "declares"),
        ("bad_zip_overlap.zip", "overlap"),
        ("bad_zip_entry_count.zip", "claims 60000 entries"),
        ("bad_zip_duplicate.zip", "twice"),
        ("bad_zip_bomb_ratio.zip", "maximum ratio"),
        ("bad_zip_encrypted.zip", "encrypted"),
        ("bad_npz_truncated.npz", "end-of-central-directory"),
    ])
    func hostileArchivesFailToOpen(name: String, message: String) throws {
        try DamagedCopies.expectRefused("flat/\(name)", containing: message) { _ = try ZipArchive($0) }
    }

    @Test(arguments: [("bad_zip_inflates_larger.zip", "more than its declared"), ("bad_zip_crc.zip", "CRC-32")])
    func hostileMembersFailWhenRead(name: String, message: String) throws {
        let zip = try ZipArchive(Fixtures.map("flat/\(name)"))
        let data = try zip.data(named: "z.npy")
        let error = try #require(throws: CheckpointError.self) { try data.load() }
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func everyTruncationIsAnError() throws {
        for name in ["torch_small.pt", "plain.npz", "zip_deflated.zip"] {
            try DamagedCopies.truncated("flat/\(name)", lengths: { Array(0 ..< $0) }) { path, cut in
                #expect(throws: CheckpointError.self, "\(name) cut at \(cut)") { try ZipArchive(MappedFile(path: path)) }
            }
        }
    }

    @Test func bitFlipsNeverCrash() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("flat/zip_two_stored.zip")))
        let tmp = Temporary.path(".zip")
        try bytes.write(to: URL(fileURLWithPath: tmp))
        let fd = open(tmp, O_RDWR)
        defer { close(fd); unlink(tmp) }
        var failures = 0
        for i in bytes.indices {
            // Patch one byte in place (pwrite) rather than rewriting the file for every flip.
            var flipped = bytes[i] ^ 0x41, original = bytes[i]
            #expect(pwrite(fd, &flipped, 1, off_t(i)) == 1)
            do {
                let zip = try ZipArchive(MappedFile(path: tmp))
                for e in zip.entries { try zip.verifyCRC(e) }
            } catch is CheckpointError {
                failures += 1
            }
            #expect(pwrite(fd, &original, 1, off_t(i)) == 1)
        }
        // Flips in data, names, signatures and sizes must be caught; flips in fields readers ignore
        // (times, attributes, the local header's copies of sizes) are not.
        #expect(failures > bytes.count / 2)
    }
}
