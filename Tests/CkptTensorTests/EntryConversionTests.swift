import CkptCore
import Testing
@testable import CkptTensor

@Suite struct EntryConversionTests {
    @Test func floatKindsRoundTrip() throws {
        let t = try Tensor([1.5, -2.25, 0, 65504], shape: [2, 2])
        for dtype in [DType.float32, .float16, .bfloat16, .float64] {
            let e = try t.entry(dtype: dtype)
            #expect(e.dtype == dtype && e.shape == [2, 2])
            let back = try Tensor(entry: e)
            #expect(back.dtype == .float32)
            #expect(back.scalars == (dtype == .bfloat16 ? [1.5, -2.25, 0, 65536] : t.scalars))
        }
    }

    @Test func integersAndBoolsStayExact() throws {
        let e = try TensorEntry(dtype: .int64, shape: [3], bytes: [Int64(-5), 7, 16_777_216].withUnsafeBytes { Array($0) })
        let t = try Tensor(entry: e)
        #expect(t.dtype == .int64 && t.indices == [-5, 7, 16_777_216])
        #expect(try t.entry().contiguousBytes() == e.contiguousBytes())
        let big = try TensorEntry(dtype: .int64, shape: [1], bytes: [Int64(16_777_217)].withUnsafeBytes { Array($0) })
        #expect(throws: TensorError.self) { try Tensor(entry: big) }
        let mask = try TensorEntry(dtype: .bool, shape: [2], bytes: [1, 0])
        let m = try Tensor(entry: mask)
        #expect(m.dtype == .bool && m.scalars == [1, 0])
        #expect(try m.entry().dtype == .bool)
        let u8 = try TensorEntry(dtype: .uint8, shape: [2], bytes: [255, 3])
        #expect(try Tensor(entry: u8).indices == [255, 3])
    }

    @Test func stridedEntriesAreReadInLogicalOrder() throws {
        // A transposed view: shape [3, 2] over a [2, 3] storage.
        let base = try TensorEntry.float32([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let view = try TensorEntry(dtype: .float32, shape: [3, 2], strides: [1, 3], storage: base.storage)
        #expect(try Tensor(entry: view).scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test func complexIsRefused() throws {
        let c = try TensorEntry(dtype: .complex64, shape: [1], bytes: [UInt8](repeating: 0, count: 8))
        #expect(throws: TensorError.self) { try Tensor(entry: c) }
    }
}
