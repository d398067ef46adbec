import CkptCore
import Foundation
import Testing

/// Fixture access and checks shared by the HDF5 and Keras tests.
enum HDF5Fixtures {
    /// `Fixtures/hdf5/` of this package, found from this file's path.
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hdf5")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// One tensor of a fixture's JSON manifest.
    struct Tensor: Decodable, Equatable {
        var key: String
        var dtype: String
        var shape: [Int]
        var sha256: String
    }

    struct Manifest: Decodable {
        var format: String
        var tensors: [Tensor]
        var attributes: [String: String]?
    }

    static func manifest(_ name: String) throws -> Manifest {
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// The tensors of `stateDict` in the manifest's shape (sha256 of contiguous little-endian bytes).
    static func describe(_ stateDict: StateDict) throws -> [Tensor] {
        try stateDict.tensors.map { key, t in
            Tensor(key: key, dtype: t.dtype.rawValue, shape: t.shape, sha256: SHA256.hex(try t.contiguousBytes()))
        }
    }

    /// A temporary file path, removed by the caller.
    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-hdf5-test-\(UUID().uuidString)\(suffix)").path
    }
}
