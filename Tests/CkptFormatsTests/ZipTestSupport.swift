import CkptCore
import Foundation
import Testing

/// Fixture access and manifest checks for the flat-format tests (zip, safetensors, NumPy, sharded).
enum FlatFixture {
    /// `Fixtures/flat/<name>` in the package.
    static func path(_ name: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/flat").appendingPathComponent(name).path
    }

    static func map(_ name: String) throws -> MappedFile { try MappedFile(path: path(name)) }

    /// A fresh temporary file path (removed by the caller or left in /tmp).
    static func temporary(_ suffix: String) -> String {
        NSTemporaryDirectory() + "ckpt-flat-\(UUID().uuidString)\(suffix)"
    }

    /// A fresh empty temporary folder.
    static func temporaryDirectory() throws -> String {
        let dir = temporary("")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        return dir
    }

    struct Manifest: Decodable {
        struct Tensor: Decodable {
            var key: String
            var dtype: String
            var shape: [Int]
            var sha256: String
        }
        var format: String
        var tensors: [Tensor]
        var attributes: [String: String]?
    }

    static func manifest(_ name: String) throws -> Manifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name + ".json")))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// Checks keys (in order), dtypes, shapes and byte hashes against the fixture's manifest.
    static func expectMatches(_ sd: StateDict, manifest m: Manifest, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tensors = sd.tensors
        #expect(Array(tensors.keys) == m.tensors.map(\.key), sourceLocation: sourceLocation)
        for t in m.tensors {
            let e = try #require(tensors[t.key], sourceLocation: sourceLocation)
            #expect(e.dtype.rawValue == t.dtype, "\(t.key)", sourceLocation: sourceLocation)
            #expect(e.shape == t.shape, "\(t.key)", sourceLocation: sourceLocation)
            #expect(SHA256.hex(try e.contiguousBytes()) == t.sha256, "\(t.key)", sourceLocation: sourceLocation)
        }
    }
}

