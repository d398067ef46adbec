import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

/// The shared reference fixtures (`Fixtures/reference/`, written by the fixtures generator with h5py and
/// Keras) read through `Checkpoint.read`: same keys (where the manifest fixes them), order, dtypes, shapes, bytes.
@Suite struct HDF5ReferenceTests {
    static var names: [String] {
        ReferenceManifest.allFiles.filter { $0.hasSuffix(".h5") || $0.hasSuffix(".keras") }
    }

    @Test(arguments: names)
    func readsReferenceFile(name: String) throws {
        let expected = try #require(try ReferenceManifest.loaded.get().files[name])
        let c = try Checkpoint.read(ReferenceManifest.path(name))
        #expect(c.format.rawValue == expected.format)
        var got = try TensorRecord.records(c.stateDict)
        var want = expected.tensors.map(\.record)
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
