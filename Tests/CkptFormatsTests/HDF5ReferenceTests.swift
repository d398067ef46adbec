import CkptCore
import Foundation
import Testing
@testable import CkptFormats

/// The shared reference fixtures (`Fixtures/reference/`, written by the fixtures generator with h5py and
/// Keras) read through `Checkpoint.read`: same keys (where the manifest fixes them), order, dtypes, shapes, bytes.
@Suite struct HDF5ReferenceTests {
    struct Manifest: Decodable {
        struct File: Decodable {
            var format: String
            var tensors: [HDF5Fixtures.Tensor]
            var keys: String?
        }
        var files: [String: File]
    }

    static let folder = HDF5Fixtures.folder.deletingLastPathComponent().appendingPathComponent("reference")

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    }

    static var names: [String] {
        ((try? manifest())?.files.keys.filter { $0.hasSuffix(".h5") || $0.hasSuffix(".keras") }.sorted()) ?? []
    }

    @Test(arguments: names)
    func readsReferenceFile(name: String) throws {
        let expected = try #require(try HDF5ReferenceTests.manifest().files[name])
        let c = try Checkpoint.read(HDF5ReferenceTests.folder.appendingPathComponent(name).path)
        #expect(c.format.rawValue == expected.format)
        var got = try HDF5Fixtures.describe(c.stateDict)
        var want = expected.tensors
        if expected.keys == "reader-defined" {
            for i in got.indices { got[i].key = "" }
            for i in want.indices { want[i].key = "" }
        }
        #expect(got == want)
    }

    @Test func referenceFilesExist() {
        #expect(HDF5ReferenceTests.names.count >= 10)
    }
}
