import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct ShardedTests {
    @Test func readsShardsInIndexOrder() throws {
        let sd = try ShardedReader.read(Fixtures.map("flat/sharded/model.safetensors.index.json"))
        let manifest = try FileManifest.of("flat/sharded/model.safetensors.index.json")
        try manifest.expectMatches(sd)
        #expect(sd.attributes == ["total_size": "120"] && manifest.attributes == ["total_size": "120"])
        let files = Set(sd.tensors.values.compactMap { $0.storage.bytes.mappedFile.map { URL(fileURLWithPath: $0.path).lastPathComponent } })
        #expect(files == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
    }

    @Test func detectsTheIndexAndShardFormatsByContent() throws {
        let c = try Checkpoint.read(Fixtures.path("flat/sharded/mixed.index.json"))
        #expect(c.format == .sharded)
        // The index lists counts and weight; bias is in the safetensors shard too, so it follows.
        try FileManifest.of("flat/sharded/mixed.index.json").expectMatches(c.stateDict)
        #expect(c.stateDict.attributes == ["total_size": "60", "note": "mixed"])
    }

    @Test func readsTorchSaveShards() throws {
        let c = try Checkpoint.read(Fixtures.path("flat/sharded/pytorch_model.bin.index.json"))
        #expect(c.format == .sharded)
        let manifest = try FileManifest.of("flat/sharded/pytorch_model.bin.index.json")
        try manifest.expectMatches(c.stateDict)
        #expect(c.stateDict.attributes == ["total_size": try #require(manifest.attributes?["total_size"])])
    }

    @Test(arguments: [
        ("bad_missing_shard.index.json", "shard 'model-00003-of-00002.safetensors' does not exist"),
        ("bad_missing_key.index.json", "tensor 'ghost' listed in the index is not in shard"),
        ("bad_escape.index.json", "leaves the index's folder"),
    ])
    func badIndexesAreOneLineErrors(name: String, message: String) throws {
        let file = try Fixtures.map("flat/sharded/" + name)
        let error = try #require(throws: CheckpointError.self) { try ShardedReader.read(file) }
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func brokenShardNamesTheShard() throws {
        let dir = try Temporary.folder().path
        defer { Temporary.remove(dir) }
        let shard = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("flat/sharded/model-00001-of-00002.safetensors")))
        try shard.prefix(100).write(to: URL(fileURLWithPath: dir + "/a.safetensors"))
        try Data(#"{"weight_map": {"weight": "a.safetensors"}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/i.index.json"))
        let error = try #require(throws: CheckpointError.self) { try ShardedReader.read(MappedFile(path: dir + "/i.index.json")) }
        #expect(error.description.hasPrefix("shard 'a.safetensors': "), "\(error)")
        try Data(#"{"weight_map": {"weight": "i.index.json"}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/i.index.json"))
        #expect(throws: CheckpointError.self) { try ShardedReader.read(MappedFile(path: dir + "/i.index.json")) }
    }
}
