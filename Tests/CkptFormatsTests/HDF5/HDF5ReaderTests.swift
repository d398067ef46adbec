import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct HDF5ReaderTests {
    static let goodFixtures = ["flat_tracked.h5", "flat_untracked.h5", "nested.h5", "dtypes.h5", "userblock.h5",
                               "keras2_legacy.h5", "keras2_chunked.h5", "keras3.weights.h5", "keras3_full.h5",
                               "keras3_bf16.weights.h5"]

    @Test(arguments: goodFixtures)
    func readsManifestKeysDtypesShapesAndBytes(name: String) throws {
        let manifest = try FileManifest.of("hdf5/\(name)")
        let stateDict = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/\(name)")))
        let got = try TensorRecord.records(stateDict)
        #expect(got.map(\.key) == manifest.tensors.map(\.key))
        #expect(got == manifest.tensors)
        for (k, v) in manifest.attributes ?? [:] { #expect(stateDict.attributes[k] == v, "attribute \(k)") }
    }

    @Test func detectsFormatFromBytes() throws {
        for name in HDF5ReaderTests.goodFixtures {
            #expect(try CheckpointFormat.detect(MappedFile(path: Fixtures.path("hdf5/\(name)"))) == .hdf5)
        }
    }

    @Test func contiguousDatasetsAreMappedInPlaceAndChunkedOnesLoaded() throws {
        let file = try MappedFile(path: Fixtures.path("hdf5/dtypes.h5"))
        let tensors = try HDF5Reader.read(file).tensors
        let f32 = try #require(tensors["f32"])
        #expect(f32.storage.bytes.mappedFile === file)
        let gzip = try #require(tensors["gzip"])
        #expect(gzip.storage.bytes.mappedFile == nil)
        #expect(try #require(tensors["compact"]).storage.bytes.mappedFile == nil)
        #expect(try #require(tensors["be_f32"]).storage.byteOrder == .big)
        #expect(try #require(tensors["be_f32"]).floatValues() == [1.0, -2.5, 3.25])
    }

    @Test func userblockOffsetsPointAtTheData() throws {
        let file = try MappedFile(path: Fixtures.path("hdf5/userblock.h5"))
        let a = try #require(HDF5Reader.read(file).tensors["a"])
        #expect(a.storage.bytes.mappedFile === file)
        #expect(try a.floatValues() == [0, 1, 2, 3, 4, 5])
    }

    @Test func stringDatasetsAndAttributesAreMetadata() throws {
        let sd = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/dtypes.h5")))
        guard case .string(let title)? = sd.metadata["title"] else { Issue.record("no title metadata"); return }
        #expect(title == "a string dataset")
        #expect(sd.attributes["epoch"] == "3")
        let nested = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/nested.h5")))
        #expect(nested.attributes["note"] == "nested groups")
        #expect(nested.attributes["enc@kind"] == "encoder")
        let keras = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/keras3.weights.h5")))
        #expect(keras.attributes["layers/dense@name"] == nil)
        #expect(keras.attributes["layers/dense/vars@name"] == "dense_a")
    }

    @Test func nestedGroupsSelectAsEntries() throws {
        let sd = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/nested.h5")))
        let enc = try sd.entry("enc.block.0")
        #expect(Array(enc.tensors.keys) == ["b", "w"])
    }

    @Test(arguments: ["bad_truncated.h5", "bad_garbage.h5", "bad_huge.h5", "bad_huge_chunked.h5"])
    func hostileFilesThrowOneLineErrors(name: String) throws {
        do {
            _ = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/\(name)")))
            Issue.record("\(name) was accepted")
        } catch let e as CheckpointError {
            #expect(!e.description.isEmpty && !e.description.contains("\n"), "\(e)")
        }
    }

    @Test func everyTruncationIsAnError() throws {
        try DamagedCopies.truncated("hdf5/flat_tracked.h5", lengths: { Array(stride(from: 0, to: $0, by: 97)) }) { path, cut in
            #expect(throws: CheckpointError.self, "cut at \(cut)") { try HDF5Reader.read(MappedFile(path: path)) }
        }
    }

    /// libhdf5 1.10 crashes on some corrupt global heaps; the reader checks them first (`validateGlobalHeaps`).
    @Test(arguments: [("dtypes.h5", 1201), ("keras3.weights.h5", 1303), ("keras2_chunked.h5", 1409)])
    func bitFlipsNeverCrash(name: String, step: Int) throws {
        var flipped = 0
        try DamagedCopies.flipped("hdf5/\(name)", mask: 0x10, positions: { Array(stride(from: 0, to: $0, by: step)) }) { path, _ in
            do {
                let sd = try HDF5Reader.read(MappedFile(path: path))
                for (_, t) in sd.tensors { _ = try? t.contiguousBytes() }
            } catch is CheckpointError {
                flipped += 1
            }
        }
        #expect(flipped > 0)
    }

    /// The crash found by bit flips: a global heap object whose size runs past its collection. libhdf5 1.10
    /// copies that many bytes; the reader must refuse the file first.
    @Test func globalHeapObjectSizePastItsCollectionIsAnError() throws {
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5/dtypes.h5"))))
        let signature = Array("GCOL".utf8) + [1, 0, 0, 0]
        let gcol = try #require((0 ..< original.count - 8).first { Array(original[$0 ..< $0 + 8]) == signature })
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        // Collection header: signature+version (8), collection size (8); object 1: index, refcount, reserved (8), size (8).
        for byte in gcol + 24 + 2 ..< gcol + 32 {
            var bytes = original
            bytes[byte] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: CheckpointError.self, "flip at \(byte)") { try HDF5Reader.read(MappedFile(path: path)) }
        }
    }

    /// A variable-length string's heap id (collection address, object index) whose index points past the
    /// collection makes libhdf5 1.10 read through a wild pointer; the crash probe turns that into an error.
    @Test func globalHeapIndexCorruptionIsAnErrorNotACrash() throws {
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5/keras3.weights.h5"))))
        let signature = Array("GCOL".utf8) + [1, 0, 0, 0]
        let gcol = try #require((0 ..< original.count - 8).first { Array(original[$0 ..< $0 + 8]) == signature })
        let address = (0 ..< 8).map { UInt8(truncatingIfNeeded: gcol >> (8 * $0)) }
        func u32(_ at: Int) -> Int { (0 ..< 4).reduce(0) { $0 | Int(original[at + $1]) << (8 * $1) } }
        // A heap id on disk: sequence length (4 bytes), collection address (8), object index (4).
        let ids = (4 ..< original.count - 12).filter {
            Array(original[$0 ..< $0 + 8]) == address && (1 ... 4096).contains(u32($0 - 4)) && (1 ... 4096).contains(u32($0 + 8))
        }
        #expect(!ids.isEmpty)
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        for id in ids.prefix(4) {
            var bytes = original
            bytes[id + 11] ^= 0x10  // the index's high byte
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: CheckpointError.self, "heap id at \(id)") { try HDF5Reader.read(MappedFile(path: path)) }
        }
    }
}
