import CkptCore
import CkptFormats
import Foundation
import Testing

/// `<fixture>.json` beside a TorchScript, torch.export, DCP or ONNX fixture (`Fixtures/gen/torchscript_files.py`,
/// `dcp_files.py`, `onnx_files.py`): what the reference library reports about the file — its tensors in order
/// (key, dtype, shape, SHA-256 of the bytes, the first key sharing storage), the keys it records as parameters and
/// buffers, their counts, `str()` of a few tensors, and non-tensor items by Python repr.
public struct FormatManifest: Decodable, Sendable {
    public struct Count: Decodable, Sendable {
        public let parameters: Int
        public let buffers: Int
    }

    /// A `CheckpointFormat` raw value.
    public let format: String
    /// Records of the same shape as the reference manifest's.
    public let tensors: [ReferenceManifest.Tensor]
    public let parameters: [String]?
    public let buffers: [String]?
    public let count: Count?
    public let torchStr: [String: String]?
    /// Non-tensor items in order, dotted key and Python repr.
    public let metadata: [ReferenceManifest.MetadataRecord]?

    enum CodingKeys: String, CodingKey {
        case format, tensors, parameters, buffers, count, metadata
        case torchStr = "torch_str"
    }

    /// The manifest of `Fixtures/<relative>` (read from `Fixtures/<relative>.json`).
    public static func of(_ relative: String) throws -> FormatManifest {
        try Fixtures.decode(FormatManifest.self, relative + ".json")
    }

    /// The fixtures under `Fixtures/<folder>` that have a manifest, relative to `Fixtures/`, sorted.
    public static func fixtures(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path(folder))) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.map { folder + "/" + $0.dropLast(5) }.sorted()
    }

    /// Reads `Fixtures/<relative>` and expects it in this manifest's format, holding exactly its tensors; returns it.
    @discardableResult
    public static func expectRead(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (Checkpoint, FormatManifest) {
        let manifest = try of(relative)
        let checkpoint = try Checkpoint.read(Fixtures.path(relative))
        #expect(checkpoint.format.rawValue == manifest.format, "\(relative)", sourceLocation: sourceLocation)
        try manifest.expectMatches(checkpoint.stateDict, relative, sourceLocation: sourceLocation)
        return (checkpoint, manifest)
    }

    /// Expects `stateDict`'s non-tensor items to be these, in order, with these Python reprs (none when absent).
    public func expectMetadata(_ stateDict: StateDict, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = stateDict.metadata
        #expect(Array(actual.keys) == (metadata ?? []).map(\.key), "\(what): metadata keys", sourceLocation: sourceLocation)
        for m in metadata ?? [] {
            #expect(actual[m.key]?.description == m.repr, "\(what) metadata \(m.key)", sourceLocation: sourceLocation)
        }
    }

    /// Expects `stateDict` to hold exactly these tensors: keys in order, dtypes, shapes, bytes and storage sharing.
    public func expectMatches(_ stateDict: StateDict, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tensors = stateDict.tensors
        #expect(Array(tensors.keys) == self.tensors.map(\.key), "\(what): keys or their order", sourceLocation: sourceLocation)
        let shared = stateDict.sharedWith
        for t in self.tensors {
            let entry = try #require(tensors[t.key], "\(what): no \(t.key)", sourceLocation: sourceLocation)
            #expect(try TensorRecord(key: t.key, entry) == t.record, "\(what) \(t.key)", sourceLocation: sourceLocation)
            #expect(shared[t.key] == t.sharedWith, "\(what) \(t.key): shares storage with", sourceLocation: sourceLocation)
        }
    }
}
