import CkptCore
import CkptWorkflows
import OrderedCollections
import Testing

/// `convert --dtype` casting: values, untouched non-floating tensors, and storage sharing kept.
@Suite struct StateDictCastTests {
    @Test func castKeepsViewsOnOneStorage() throws {
        let base = try TensorEntry.float32((0 ..< 12).map { Float($0) / 3 }, shape: [3, 4])
        let t = try TensorEntry(dtype: .float32, shape: [4, 3], strides: [1, 4], storage: base.storage)
        let row = try TensorEntry(dtype: .float32, shape: [4], storageOffset: 4, storage: base.storage)
        let ids = try TensorEntry(dtype: .int64, shape: [2], bytes: TensorEntry.encode([3, 4], as: .int64))
        var d = OrderedDictionary<String, TensorEntry>()
        d["base"] = base; d["t"] = t; d["row"] = row; d["ids"] = ids
        var reported = 0
        let out = try StateDict(tensors: d).casting(floatingTo: .bfloat16) { reported += $0 }
        let o = out.tensors
        #expect(Array(o.keys) == ["base", "t", "row", "ids"])
        #expect(o["base"]?.dtype == .bfloat16 && o["t"]?.dtype == .bfloat16 && o["ids"]?.dtype == .int64)
        #expect(out.sharedWith == ["t": "base", "row": "base"])
        let expectedT = try t.converted(to: .bfloat16).contiguousBytes()
        #expect(try o["t"]?.contiguousBytes() == expectedT)
        #expect(try o["row"]?.doubleValues() == [4, 5, 6, 7].map { Double(HalfConversion.float(fromBFloat16: HalfConversion.bfloat16(fromFloat: Float($0) / 3))) })
        #expect(try o["ids"]?.contiguousBytes() == ids.contiguousBytes())
        #expect(reported == 48, "one storage of 12 float32s converted once")
    }

    @Test func dtypeNamesAndAliases() throws {
        #expect(try DType(userName: "torch.float16") == .float16)
        #expect(try DType(userName: "half") == .float16)
        #expect(try DType(userName: "bf16") == .bfloat16)
        #expect(throws: ArgumentError.unknownDType("float17")) { try DType(userName: "float17") }
        #expect(Conversion.format(named: "pt") == .torchZip && Conversion.format(named: "safetensors") == .safetensors)
        #expect(Conversion.format(named: ".h5") == .hdf5 && Conversion.format(named: "keras") == nil)
    }
}
