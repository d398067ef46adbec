import CBLAS
import CKernels
import CkptCore

/// Weights kept in their checkpoint's dtype: loading one in place from a mapped file, and the matrix product that
/// reads it there (widening bf16/f16 tile by tile, or, for a few rows, inside a fused kernel), so that a model runs
/// with its file's bytes as its weights and float32 arithmetic.
extension Tensor {
    /// The dtype the elements are held in: the checkpoint's (`.bfloat16`, `.float16`, `.float32`) for a weight read in
    /// place from a mapped file, else `dtype`. Ops compute in float32 either way.
    public var storageDType: DType { buffer.storedElements?.dtype ?? dtype }

    /// Whether the elements are read in place from a checkpoint's mapping (not widened whole, not copied).
    public var isStoredInPlace: Bool { buffer.storedElements != nil }

    /// `load_state_dict`'s `copy_` from a checkpoint entry of this tensor's shape. A float32, float16 or bfloat16 entry
    /// lying contiguous in a mapped file becomes this tensor's storage as it is (read-only, widened where read: no
    /// copy, no float32 twin); any other entry's values are copied (converted to float32). Tensors that share this
    /// object (tied weights) see the new values.
    public func load(_ entry: TensorEntry) throws {
        guard entry.shape == shape else { throw TensorError.shapeMismatch("cannot load a tensor of shape \(entry.shape) into \(shape)") }
        if dtype == .float32, [.float32, .float16, .bfloat16].contains(entry.dtype), let (address, file) = entry.mappedElements() {
            buffer = TensorBuffer(stored: StoredElements(dtype: entry.dtype, count: numel, base: address, owner: file))
            return
        }
        let values = try entry.floatValues()
        if buffer.stored != nil { buffer = TensorBuffer(values); return }
        values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            buffer.withUnsafeMutableBufferPointer { $0.baseAddress?.update(from: base, count: Swift.min(src.count, $0.count)) }
        }
    }

    /// Rows up to which a product with a float16/bfloat16 weight runs the fused kernel (each weight element widened
    /// in registers as it is read) instead of widening tiles for sgemm.
    static let fusedStoredRows = 8

    /// `C[m×n] = A[m×k] · op(W) + beta·C` for a weight W `[n, k]` read transposed (`transposed`, as `linear`) or
    /// `[k, n]`, whose elements may be stored in their checkpoint's dtype: float32 in the file is multiplied where it
    /// lies; bf16/f16 is widened tile by tile (a band of W's output columns at a time, exactly), or read by the fused
    /// few-row kernel where the CPU has one. Never a float32 copy of the whole weight. The tile holds
    /// `EngineContext.storedTileElements`.
    static func sgemm(_ a: UnsafePointer<Float>, weight w: TensorBuffer, transposed: Bool, _ c: UnsafeMutablePointer<Float>,
                      m: Int, n: Int, k: Int, beta: Float = 0) {
        guard let stored = w.storedElements else {
            sgemm(a, transA: false, w.pointer, transB: transposed, c, m: m, n: n, k: k, beta: beta)
            return
        }
        if let direct = stored.float32Address {
            withExtendedLifetime(w) { sgemm(a, transA: false, direct, transB: transposed, c, m: m, n: n, k: k, beta: beta) }
            return
        }
        if m == 0 || n == 0 || k == 0 {
            sgemm(a, transA: false, UnsafePointer(c), transB: false, c, m: m, n: n, k: 0, beta: beta)
            return
        }
        if transposed, stored.dtype == .bfloat16, EngineContext.computeDTypeNow == .bfloat16, let bits = stored.halfBits {
            withExtendedLifetime(w) { bfloat16Product(a, bits, c, m: m, n: n, k: k, beta: beta) }
            return
        }
        withExtendedLifetime(w) {
            if transposed, m <= fusedStoredRows, let bits = stored.halfBits, ckpt_stored_product_available() != 0 {
                kernelParallelRanges(n, parallel: m * n * k >= 1 << 16) { range in
                    ckpt_rows_times_stored(m, k, a, k, bits, stored.kernelType, range.lowerBound, range.upperBound, c, n, beta)
                }
                return
            }
            let band = Swift.max(1, Swift.min(n, EngineContext.storedTileElementsNow / k))
            let tile = UnsafeMutablePointer<Float>.allocate(capacity: band * k)
            defer { tile.deallocate() }
            var j0 = 0
            while j0 < n {
                let width = Swift.min(band, n - j0)
                if transposed {
                    // Rows j0 ..< j0+width of W [n, k] are one contiguous run, widened on every core.
                    Parallel.forRanges(width * k) { range in
                        stored.widen(from: j0 * k + range.lowerBound, count: range.count, into: tile + range.lowerBound)
                    }
                } else {
                    Parallel.forRanges(k, cost: width) { rows in
                        for r in rows { stored.widen(from: r * n + j0, count: width, into: tile + r * width) }
                    }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, transposed ? CblasTrans : CblasNoTrans, blasint(m), blasint(width),
                            blasint(k), 1, a, blasint(k), tile, blasint(transposed ? k : width), beta, c + j0, blasint(n))
                j0 += width
            }
        }
    }

    /// `--compute bfloat16`: `C = bf16(bf16(A) · Wᵀ + beta·C)` for a bf16 weight W `[n, k]`: the input rounded to bf16,
    /// pairs of bf16 products summed in float32 (AVX512-BF16 `vdpbf16ps` where the CPU has it), the result rounded to
    /// bf16 once, as a bf16 `addmm` gives it.
    private static func bfloat16Product(_ a: UnsafePointer<Float>, _ w: UnsafePointer<UInt16>, _ c: UnsafeMutablePointer<Float>,
                                        m: Int, n: Int, k: Int, beta: Float) {
        let rounded = UnsafeMutablePointer<UInt16>.allocate(capacity: m * k)
        defer { rounded.deallocate() }
        ckpt_round_bf16(a, rounded, m * k)
        kernelParallelRanges(n, parallel: m * n * k >= 1 << 16) { range in
            ckpt_bf16_rows_times_bf16(m, k, rounded, k, w, range.lowerBound, range.upperBound, c, n, beta)
        }
        let out = UnsafeMutablePointer<UInt16>.allocate(capacity: m * n)
        defer { out.deallocate() }
        ckpt_round_bf16(c, out, m * n)
        ckpt_widen_bf16(out, c, m * n)
    }
}
