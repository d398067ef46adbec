import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Distributed checkpoints written by `torch.distributed.checkpoint.save` (`Fixtures/gen/dcp_files.py`: one process,
/// and 2 gloo ranks saving sharded DTensors) read as `dcp_to_torch_save` gives them: keys in order, dtypes, global
/// shapes, values reassembled from the chunks, non-tensor items as metadata, nesting restored.
@Suite struct DCPReaderTests {
    static let fixtures = ["dcp_files/single", "dcp_files/sharded", "dcp_files/hostile/tiny"]

    @Test(arguments: fixtures)
    func readsAsDcpToTorchSaveGivesIt(_ name: String) throws {
        let (checkpoint, manifest) = try FormatManifest.expectRead(name)
        #expect(checkpoint.format == .dcp)
        manifest.expectMetadata(checkpoint.stateDict, name)
        #expect(checkpoint.stateDict.bufferKeys == nil, "DCP does not record parameters and buffers")
    }

    @Test func theMetadataFileItselfNamesTheCheckpoint() throws {
        let file = try Fixtures.map("dcp_files/sharded/.metadata")
        #expect(try CheckpointFormat.detect(file) == .dcp)
        let viaFile = try Checkpoint.read(Fixtures.path("dcp_files/sharded/.metadata")).stateDict.tensors
        #expect(Array(viaFile.keys) == ["rows", "cols", "uneven", "rep", "plain", "scalar"])
        #expect(DCPReader.metadataPath(ofFolder: Fixtures.path("dcp_files/single")) != nil)
        #expect(DCPReader.metadataPath(ofFolder: Fixtures.path("dcp_files")) == nil)
    }

    /// The sharded save: Shard(0) and Shard(1) tensors have one chunk per rank, replicated and plain ones one chunk.
    @Test func shardedTensorsHaveOneChunkPerRank() throws {
        let metadata = try Fixtures.map("dcp_files/sharded/.metadata").withBytes { bytes in
            try DCPMetadataUnpickler().withTopValue(bytes) { try DCPMetadata($0) }
        }
        var chunks: [String: [DCPMetadata.Chunk]] = [:]
        for (fqn, item) in metadata.items { if case .tensor(_, _, let c) = item { chunks[fqn] = c } }
        #expect(chunks["rows"] == [.init(offsets: [0, 0], sizes: [3, 4]), .init(offsets: [3, 0], sizes: [2, 4])])
        #expect(chunks["cols"] == [.init(offsets: [0, 0], sizes: [3, 3]), .init(offsets: [0, 3], sizes: [3, 3])])
        #expect(chunks["uneven"]?.map(\.sizes) == [[4], [3]])
        #expect(chunks["rep"]?.count == 1 && chunks["plain"]?.count == 1)
        let files = Set(metadata.storage.values.map(\.relativePath))
        #expect(files == ["__0_0.distcp", "__1_0.distcp"])
    }

    /// Reading touches only `.metadata` and the non-tensor items: tensors are assembled when their values are read.
    @Test func tensorsAreReadOnlyWhenTheirValuesAre() throws {
        let tensors = try Checkpoint.read(Fixtures.path("dcp_files/sharded")).stateDict.tensors
        for (key, t) in tensors { #expect(t.storage.bytes.mappedFile == nil, "\(key): a loader, not a region read up front") }
    }

    @Test func tilingIsChecked() throws {
        let a = DCPMetadata.Chunk(offsets: [0, 0], sizes: [2, 3]), b = DCPMetadata.Chunk(offsets: [2, 0], sizes: [2, 3])
        try DCPChunks.checkTiling([a, b], size: [4, 3], fqn: "w")
        #expect(throws: CheckpointError.self) { try DCPChunks.checkTiling([a], size: [4, 3], fqn: "w") }
        #expect(throws: CheckpointError.self) { try DCPChunks.checkTiling([a, a], size: [4, 3], fqn: "w") }
        #expect(throws: CheckpointError.self) { try DCPChunks.checkTiling([a, .init(offsets: [3, 0], sizes: [2, 3])], size: [4, 3], fqn: "w") }
        try DCPChunks.checkTiling([.init(offsets: [], sizes: [])], size: [], fqn: "scalar")
    }

    @Test func planerPathsRebuildDictsAndLists() throws {
        let leaves: [(path: [DCPMetadata.PathPart], value: CheckpointValue)] = [
            ([.key("m"), .key("0.weight")], .int(1)), ([.key("o"), .key("groups"), .index(1), .key("lr")], .float(0.5)), ([.key("e")], .int(3)),
        ]
        let root = try DCPNesting.unflatten(leaves)
        #expect(root.description == "{'m': {'0.weight': 1}, 'o': {'groups': [None, {'lr': 0.5}]}, 'e': 3}")
    }
}
