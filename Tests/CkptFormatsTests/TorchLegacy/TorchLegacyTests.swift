import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct TorchLegacyTests {
    @Test func readsLegacyFileLikeTorch() throws {
        let file = try MappedFile(path: Fixtures.path("torch_files/legacy.pt"))
        #expect(try CheckpointFormat.detect(file) == .torchLegacy)
        let sd = try TorchLegacyReader.read(file)
        try TorchFixtures.expectMatches(sd, "legacy.pt")
        let t = sd.tensors
        // Views share the storage object; storages are slices of the mapped file.
        let base = try #require(t["f32"]), transposed = try #require(t["f32_t"])
        #expect(base.storage === transposed.storage)
        #expect(base.storage.bytes.mappedFile === file)
        #expect(t["net.lin.weight"]?.storage === t["net.emb.weight"]?.storage)
    }

    @Test func truncatedAndFlippedLegacyFiles() throws {
        let full = try Fixtures.bytes("torch_files/legacy.pt")
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        for n in stride(from: 16, to: full.count - 1, by: 37) {
            let path = dir.appendingPathComponent("cut.pt").path
            try Data(full[..<n]).write(to: URL(fileURLWithPath: path))
            #expect(throws: CheckpointError.self) { try TorchLegacyReader.read(try MappedFile(path: path)) }
        }
        // Flipped bytes: an error or a readable file, never a crash, including when values are then read.
        for n in stride(from: 0, to: full.count, by: 41) {
            var flipped = full
            flipped[n] ^= 0x5A
            let path = dir.appendingPathComponent("flip.pt").path
            try Data(flipped).write(to: URL(fileURLWithPath: path))
            if let sd = try? TorchLegacyReader.read(try MappedFile(path: path)) {
                for t in sd.tensors.values { _ = try? t.contiguousBytes() }
            }
        }
    }
}
