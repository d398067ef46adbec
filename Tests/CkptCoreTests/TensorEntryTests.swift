import Testing
@testable import CkptCore

@Suite struct TensorEntryTests {
    func storage(_ values: [Float], key: String = "0") -> TensorStorage {
        TensorStorage(key: key, dtype: .float32, bytes: .bytes(values.withUnsafeBytes { Array($0) }))
    }

    @Test func transposedViewGathersInRowMajorOrder() throws {
        // base = arange(12).reshape(3, 4); base.t() has size (4, 3), stride (1, 4).
        let s = storage((0 ..< 12).map(Float.init))
        let t = try TensorEntry(dtype: .float32, shape: [4, 3], strides: [1, 4], storage: s)
        #expect(!t.isContiguous)
        #expect(try t.floatValues() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
    }

    @Test func sliceViewUsesOffset() throws {
        let s = storage((0 ..< 12).map(Float.init))
        let row = try TensorEntry(dtype: .float32, shape: [4], storageOffset: 4, storage: s)
        #expect(try row.floatValues() == [4, 5, 6, 7])
        let base = try TensorEntry(dtype: .float32, shape: [3, 4], storage: s)
        #expect(row.sharesMemory(with: base))
        let other = try TensorEntry(dtype: .float32, shape: [3, 4], storage: storage((0 ..< 12).map(Float.init)))
        #expect(!other.sharesMemory(with: base))
    }

    @Test func viewsOutsideTheStorageAreRefused() {
        let s = storage([1, 2, 3, 4])
        #expect(throws: CheckpointError.self) { try TensorEntry(dtype: .float32, shape: [5], storage: s) }
        #expect(throws: CheckpointError.self) { try TensorEntry(dtype: .float32, shape: [2], storageOffset: 3, storage: s) }
        #expect(throws: CheckpointError.self) { try TensorEntry(dtype: .float32, shape: [2, 2], strides: [3, 1], storage: s) }
        #expect(throws: CheckpointError.self) { try TensorEntry(dtype: .float32, shape: [-1], storage: s) }
        #expect(throws: CheckpointError.self) { try TensorEntry(dtype: .float32, shape: [1 << 40, 1 << 40], storage: s) }
        #expect(throws: CheckpointError.self) { try TensorEntry(dtype: .float32, shape: [2], strides: [1, 1], storage: s) }
    }

    @Test func zeroDimAndEmptyTensors() throws {
        let scalar = try TensorEntry(dtype: .float32, shape: [], storage: storage([7]))
        #expect(scalar.numel == 1)
        #expect(try scalar.floatValues() == [7])
        let empty = try TensorEntry(dtype: .float32, shape: [0, 4], storage: storage([]))
        #expect(empty.numel == 0)
        #expect(try empty.contiguousBytes().isEmpty)
    }

    @Test func bigEndianStorageIsSwappedOnRead() throws {
        let be: [UInt8] = [0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0] // 1.0, -2.0 as big-endian f32
        let s = TensorStorage(key: "0", dtype: .float32, bytes: .bytes(be), byteOrder: .big)
        let t = try TensorEntry(dtype: .float32, shape: [2], storage: s)
        #expect(try t.floatValues() == [1, -2])
    }

    @Test func conversionsBetweenDtypes() throws {
        let t = try TensorEntry.float32([1.5, -2, 0.1, 65504], shape: [2, 2])
        let h = try t.converted(to: .float16)
        #expect(h.dtype == .float16 && h.shape == [2, 2])
        #expect(try h.contiguousBytes() == [0x00, 0x3E, 0x00, 0xC0, 0x66, 0x2E, 0xFF, 0x7B])
        let back = try h.converted(to: .float32).floatValues()
        #expect(back[0] == 1.5 && back[1] == -2 && abs(back[2] - 0.1) < 1e-4)
        let i = try t.converted(to: .int64)
        #expect(try i.doubleValues() == [1, -2, 0, 65504])
        let b = try t.converted(to: .bool)
        #expect(try b.contiguousBytes() == [1, 1, 1, 1])
    }
}
