import CkptCore
import CkptTestSupport
import Foundation
import OrderedCollections
import Testing
@testable import CkptFormats

@Suite struct HDF5WriterTests {
    @Test(arguments: ["flat_tracked.h5", "flat_untracked.h5", "nested.h5", "dtypes.h5", "keras2_legacy.h5",
                      "keras3.weights.h5", "keras3_bf16.weights.h5", "userblock.h5"])
    func roundTripKeepsKeysOrderDtypesShapesAndBytes(name: String) throws {
        let original = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/\(name)")))
        // CKPT_KEEP_OUTPUT=DIR keeps the written files, for checking them by hand with h5py.
        let keep = ProcessInfo.processInfo.environment["CKPT_KEEP_OUTPUT"]
        let path = keep.map { $0 + "/" + name } ?? Temporary.path(".h5")
        defer { if keep == nil { unlink(path) } }
        try HDF5Writer.write(original, to: path)
        let back = try HDF5Reader.read(MappedFile(path: path))
        #expect(try TensorRecord.records(back) == TensorRecord.records(original))
        #expect(try TensorRecord.records(back) == FileManifest.of("hdf5/\(name)").tensors)
    }

    @Test func writesEveryDtypeAsItsOwnTypeAndBF16AsKerasDoes() throws {
        var tensors = OrderedDictionary<String, TensorEntry>()
        tensors["z.bf16"] = try TensorEntry(dtype: .bfloat16, shape: [2], bytes: [0xC0, 0x3F, 0x00, 0xC0])
        tensors["a.f16"] = try TensorEntry(dtype: .float16, shape: [1], bytes: [0x00, 0x3C])
        tensors["m.bool"] = try TensorEntry(dtype: .bool, shape: [3], bytes: [1, 0, 1])
        tensors["s"] = try TensorEntry(dtype: .int64, shape: [], bytes: [7, 0, 0, 0, 0, 0, 0, 0])
        tensors["e"] = try TensorEntry(dtype: .float32, shape: [0, 3], bytes: [])
        tensors["u"] = try TensorEntry(dtype: .uint8, shape: [2], bytes: [0, 255])
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        try HDF5Writer.write(StateDict(tensors: tensors, attributes: ["format": "pt"]), to: path)
        let back = try HDF5Reader.read(MappedFile(path: path))
        #expect(Array(back.tensors.keys) == ["z.bf16", "a.f16", "m.bool", "s", "e", "u"])
        #expect(back.tensors.values.map(\.dtype) == [.bfloat16, .float16, .bool, .int64, .float32, .uint8])
        #expect(back.tensors.values.map(\.shape) == [[2], [1], [3], [], [0, 3], [2]])
        #expect(try back.tensors["z.bf16"]?.floatValues() == [1.5, -2])
        #expect(try back.tensors["m.bool"]?.contiguousBytes() == [1, 0, 1])
        #expect(back.attributes["format"] == "pt")
        // Contiguous datasets written by ckpt are mapped in place when read back.
        #expect(back.tensors["a.f16"]?.storage.bytes.mappedFile != nil)
    }

    @Test func tiedWeightsAreWrittenOnceAndReadBackShared() throws {
        let storage = TensorStorage(key: "0", dtype: .float32, bytes: .bytes([UInt8](repeating: 1, count: 16)))
        var tensors = OrderedDictionary<String, TensorEntry>()
        tensors["2.weight"] = try TensorEntry(dtype: .float32, shape: [2, 2], storage: storage)
        tensors["4.weight"] = try TensorEntry(dtype: .float32, shape: [2, 2], storage: storage)
        tensors["t"] = try TensorEntry(dtype: .float32, shape: [2, 2], strides: [1, 2], storage: storage)
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        try HDF5Writer.write(StateDict(tensors: tensors), to: path)
        let back = try HDF5Reader.read(MappedFile(path: path))
        #expect(Array(back.tensors.keys) == ["2.weight", "4.weight", "t"])
        #expect(back.sharedWith == ["4.weight": "2.weight"])
    }

    @Test func nestedCheckpointMetadataBecomesRootAttributes() throws {
        var model = CheckpointDict()
        model["w"] = .tensor(try TensorEntry(dtype: .float32, shape: [1], bytes: [0, 0, 128, 63]))
        var root = CheckpointDict()
        root["model"] = .dict(model)
        root["epoch"] = .int(3)
        root["lr"] = .float(0.5)
        root["name"] = .string("run")
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        try HDF5Writer.write(StateDict(root: .dict(root)), to: path)
        let back = try HDF5Reader.read(MappedFile(path: path))
        #expect(Array(back.tensors.keys) == ["model.w"])
        #expect(back.attributes["epoch"] == "3")
        #expect(back.attributes["lr"] == "0.5")
        #expect(back.attributes["name"] == "run")
    }

    @Test func keysThatCannotBeNamesAreErrors() throws {
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        let t = try TensorEntry(dtype: .float32, shape: [1], bytes: [0, 0, 0, 0])
        #expect(throws: CheckpointError.self) { try HDF5Writer.write(StateDict(tensors: ["": t]), to: path) }
        #expect(throws: CheckpointError.self) { try HDF5Writer.write(StateDict(tensors: ["a": t, "a/b": t]), to: path) }
    }
}
