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
        try DamagedCopies.truncated("torch_files/legacy.pt", lengths: { Array(stride(from: 16, to: $0 - 1, by: 37)) }) { path, _ in
            #expect(throws: CheckpointError.self) { try TorchLegacyReader.read(try MappedFile(path: path)) }
        }
        // Flipped bytes: an error or a readable file, never a crash, including when values are then read.
        try DamagedCopies.flipped("torch_files/legacy.pt", positions: { Array(stride(from: 0, to: $0, by: 41)) }) { path, _ in
            if let sd = try? TorchLegacyReader.read(try MappedFile(path: path)) {
                for t in sd.tensors.values { _ = try? t.contiguousBytes() }
            }
        }
    }
}
