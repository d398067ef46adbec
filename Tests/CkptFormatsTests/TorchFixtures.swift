import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

/// The manifests of `Fixtures/torch_files/` (views, strides, storage sharing) and a storage-free unpickler.
enum TorchFixtures {
    /// One manifest row written by `Fixtures/gen/torch_files.py`.
    struct Row: Decodable {
        var key: String
        var dtype: String
        var shape: [Int]
        var sha256: String
        var shared_with: String?
        var stride: [Int]
        var storage_offset: Int
        var requires_grad: Bool
    }

    struct Manifest: Decodable {
        var file: String
        var keys: [Row]
        var metadata: [String: String]
    }

    static func manifest(_ name: String) throws -> Manifest {
        try Fixtures.decode(Manifest.self, "torch_files/\(name).json")
    }

    /// Checks keys (in order), dtypes, shapes, strides, offsets, bytes and sharing against the manifest.
    static func expectMatches(_ sd: StateDict, _ name: String, strides: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let m = try manifest(name)
        let tensors = sd.tensors
        #expect(Array(tensors.keys) == m.keys.map(\.key), "\(name): keys", sourceLocation: sourceLocation)
        let shared = sd.sharedWith
        for row in m.keys {
            guard let t = tensors[row.key] else { continue }
            #expect(t.dtype.rawValue == row.dtype, "\(name) \(row.key): dtype", sourceLocation: sourceLocation)
            #expect(t.shape == row.shape, "\(name) \(row.key): shape", sourceLocation: sourceLocation)
            if strides {
                #expect(t.strides == row.stride, "\(name) \(row.key): stride", sourceLocation: sourceLocation)
                #expect(t.storageOffset == row.storage_offset, "\(name) \(row.key): offset", sourceLocation: sourceLocation)
            }
            #expect(t.requiresGrad == row.requires_grad, "\(name) \(row.key): requires_grad", sourceLocation: sourceLocation)
            #expect(SHA256.hex(try t.contiguousBytes()) == row.sha256, "\(name) \(row.key): bytes", sourceLocation: sourceLocation)
            #expect(shared[row.key] == row.shared_with, "\(name) \(row.key): shared_with", sourceLocation: sourceLocation)
        }
    }

    /// Runs a pickle with no storages.
    static func unpickle(_ bytes: [UInt8]) throws -> CheckpointValue {
        let u = TorchUnpickler { key, _, _ in throw CheckpointError.notFound("storage \(key)") }
        return try bytes.withUnsafeBytes { try u.load($0).value }
    }
}
