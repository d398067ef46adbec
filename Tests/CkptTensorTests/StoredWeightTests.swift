import CkptCore
import CkptTensor
import Foundation
import Testing

/// Weights loaded in place from a mapped file in their dtype: the products and lookups that read them in place give
/// what the same ops give on a float32 tensor of the widened values (the float32 ops are checked against PyTorch
/// elsewhere), and the weight stays in its file's bytes, never widened whole.
@Suite struct StoredWeightTests {
    /// A weight of `shape` with values rounded to `dtype`, written to a file and loaded from its mapping, and the same
    /// values as a float32 tensor.
    static func weight(_ shape: [Int], _ dtype: DType, seed: UInt64, in dir: URL) throws -> (stored: Tensor, reference: Tensor) {
        let values = Tensor.randn(shape, generator: Generator(seed: seed)).scalars
        let rounded = try Tensor(values, shape: shape).entry(dtype: dtype)
        let bytes = try rounded.contiguousBytes()
        // Eight bytes ahead of the tensor, as a safetensors header sits before its data.
        let path = dir.appendingPathComponent("\(dtype.rawValue)-\(seed).bin").path
        try Data([UInt8](repeating: 7, count: 8) + bytes).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path)
        let storage = TensorStorage(key: "w", dtype: dtype, bytes: try .mapped(file, offset: 8, count: bytes.count))
        let entry = try TensorEntry(dtype: dtype, shape: shape, storage: storage)
        let stored = Tensor.zeros(shape, requiresGrad: true)
        try stored.load(entry)
        return (stored, try Tensor(try entry.floatValues(), shape: shape))
    }

    static func withFolder<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stored-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    static func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = b.scalars.map(abs).max() ?? 1
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max().map { $0 / Swift.max(scale, 1e-30) } ?? 0
    }

    @Test(arguments: [DType.bfloat16, .float16, .float32])
    func linearReadsTheWeightWhereItLies(dtype: DType) throws {
        try Self.withFolder { dir in
            let (w, ref) = try Self.weight([37, 70], dtype, seed: 1, in: dir)
            let bias = Tensor.randn([37], generator: Generator(seed: 2))
            #expect(w.isStoredInPlace && w.storageDType == dtype && w.shape == [37, 70] && w.requiresGrad)
            // Few rows take the fused kernel, more rows the widened tiles; a batch dim is flattened first.
            for rows in [1, 3, 4, 5, 8, 9, 40] {
                let x = Tensor.randn([rows, 70], generator: Generator(seed: UInt64(rows)))
                let got = try Tensor.noGrad { try x.linear(weight: w, bias: bias) }
                let want = try x.linear(weight: ref, bias: bias)
                #expect(got.shape == [rows, 37])
                #expect(Self.maxRelativeDifference(got, want) < 1e-6, "rows \(rows)")
            }
            let x3 = Tensor.randn([2, 3, 70], generator: Generator(seed: 9))
            #expect(Self.maxRelativeDifference(try x3.linear(weight: w), try x3.linear(weight: ref)) < 1e-6)
            #expect(w.isStoredInPlace, "the weight was widened whole")
        }
    }

    @Test(arguments: [DType.bfloat16, .float16])
    func addmmAndMatmulReadTheWeightAsTheyWouldItsFloats(dtype: DType) throws {
        try Self.withFolder { dir in
            // GPT-2's Conv1D: addmm(bias, x, W) with W [in, out], widened a band of columns at a time.
            let (w, ref) = try Self.weight([70, 37], dtype, seed: 3, in: dir)
            let bias = Tensor.randn([37], generator: Generator(seed: 4))
            for rows in [1, 6, 33] {
                let x = Tensor.randn([rows, 70], generator: Generator(seed: UInt64(rows)))
                #expect(Self.maxRelativeDifference(try Tensor.addmm(bias, x, w), try Tensor.addmm(bias, x, ref)) < 1e-6)
                #expect(Self.maxRelativeDifference(try x.matmul(w), try x.matmul(ref)) < 1e-6)
            }
            #expect(w.isStoredInPlace)
        }
    }

    @Test func aWeightWiderThanOneTileGoesInBands() throws {
        try Self.withFolder { dir in
            // Tiles of 16K elements: four bands of output columns (kept small so that OpenBLAS runs single-threaded:
            // tests run concurrently, and two threads starting OpenBLAS's pool at once can hang it).
            let (w, ref) = try Self.weight([300, 200], .bfloat16, seed: 8, in: dir)
            let (wt, reft) = try Self.weight([200, 300], .bfloat16, seed: 9, in: dir)
            let x = Tensor.randn([9, 200], generator: Generator(seed: 10))
            let bias = Tensor.randn([300], generator: Generator(seed: 11))
            let (got, gotT) = try EngineContext.with(\.storedTileElements, 1 << 14) {
                (try x.linear(weight: w, bias: bias), try Tensor.addmm(bias, x, wt))
            }
            #expect(Self.maxRelativeDifference(got, try x.linear(weight: ref, bias: bias)) < 1e-6)
            #expect(Self.maxRelativeDifference(gotT, try Tensor.addmm(bias, x, reft)) < 1e-6)
            #expect(w.isStoredInPlace && wt.isStoredInPlace)
        }
    }

    @Test func embeddingWidensOnlyTheRowsItLooksUp() throws {
        try Self.withFolder { dir in
            let (w, ref) = try Self.weight([50, 12], .bfloat16, seed: 5, in: dir)
            let ids = try Tensor(indices: [3, 0, 49, 3, 17], shape: [1, 5])
            #expect(try Tensor.embedding(ids, weight: w).scalars == Tensor.embedding(ids, weight: ref).scalars)
            #expect(w.isStoredInPlace && w.scalars == ref.scalars && w.buffer[51] == ref.buffer[51])
            #expect(w.isStoredInPlace, "reading values for printing widened the tensor")
        }
    }

    @Test func savingKeepsTheFilesBytesAndWritingWidensACopy() throws {
        try Self.withFolder { dir in
            let (w, ref) = try Self.weight([4, 6], .bfloat16, seed: 6, in: dir)
            let saved = try w.entry(key: "w")
            #expect(try saved.dtype == .bfloat16 && saved.floatValues() == ref.scalars)
            #expect(try w.entry(dtype: .float32).floatValues() == ref.scalars)
            // A write needs float32 elements of its own: the tensor is widened once, then is an ordinary tensor.
            try Tensor.noGrad { try w.mul_(2) }
            #expect(!w.isStoredInPlace && w.storageDType == .float32)
            #expect(w.scalars == ref.scalars.map { $0 * 2 })
            let (again, _) = try Self.weight([4, 6], .bfloat16, seed: 6, in: dir)
            #expect(again.scalars == ref.scalars, "the write reached the file's mapping")
        }
    }
}
