import CkptCore

/// Conversion between engine tensors and checkpoint entries (`CkptCore.TensorEntry`).
extension Tensor {
    /// Largest integer a Float32 holds exactly; index tensors beyond it would lose precision.
    public static let maxExactIndex: Float = 16_777_216

    /// A tensor holding `entry`'s values: floating dtypes become `.float32` (f64 rounds, f16/bf16/f8
    /// widen exactly), integer dtypes `.int64` (throws when a value is beyond ±2^24, which Float32
    /// cannot hold exactly), bool `.bool`. Complex entries are refused.
    public convenience init(entry: TensorEntry, requiresGrad: Bool = false) throws {
        guard !entry.dtype.isComplex else { throw TensorError.dtype("complex tensors (\(entry.dtype.rawValue)) are not supported by the engine") }
        let values = try entry.floatValues()
        let kind: DType
        switch entry.dtype {
        case .bool: kind = .bool
        case _ where entry.dtype.isFloatingPoint: kind = .float32
        default:
            kind = .int64
            if entry.dtype.itemSize >= 4 {
                // Check the exact integers: the float copy of a large int64 would already be rounded.
                let exact = try entry.doubleValues()
                if let bad = exact.first(where: { Swift.abs($0) > Double(Tensor.maxExactIndex) }) {
                    throw TensorError.dtype("integer value \(Int64(bad)) exceeds 2^24 and cannot be held exactly")
                }
            }
        }
        self.init(buffer: TensorBuffer(values), shape: entry.shape, dtype: kind,
                  requiresGrad: requiresGrad && kind == .float32)
    }

    /// The tensor as a contiguous entry of `dtype` (default: `.float32` for float tensors, `.int64` for
    /// indices, `.bool` for masks). Floats round to nearest even; integer targets truncate toward zero.
    /// A weight read in place from its checkpoint (`storageDType` bf16/f16/f32) is written in that dtype by default,
    /// its bytes as they are.
    public func entry(dtype target: DType? = nil, key: String = "") throws -> TensorEntry {
        let out = target ?? storageDType
        let bytes: [UInt8]
        if let stored = buffer.storedElements, stored.dtype == out, let raw = stored.storedBytes {
            bytes = withExtendedLifetime(buffer) { Array(raw) }
        } else {
            bytes = buffer.withUnsafeBufferPointer { values in
                switch out {
                case .float32:
                    return Array(UnsafeRawBufferPointer(values))
                case .float16, .bfloat16:
                    let half = values.map { out == .float16 ? HalfConversion.half(fromFloat: $0) : HalfConversion.bfloat16(fromFloat: $0) }
                    return half.withUnsafeBytes { Array($0) }
                default:
                    return TensorEntry.encode(values.map { Double($0) }, as: out)
                }
            }
        }
        var e = try TensorEntry(dtype: out, shape: shape, bytes: bytes, key: key)
        e.requiresGrad = requiresGrad
        return e
    }
}
