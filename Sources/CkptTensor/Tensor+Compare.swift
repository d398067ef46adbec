import CkptCore

/// Comparisons (results are `.bool` tensors of 0/1), `where`, `maskedFill` and logical ops.
extension Tensor {
    private static func compare(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Bool) throws -> Tensor {
        let (out, shape) = try binaryKernel(a, b) { f($0, $1) ? 1 : 0 }
        return Tensor(buffer: out, shape: shape, dtype: .bool)
    }

    private func compare(_ s: Float, _ f: (Float, Float) -> Bool) -> Tensor {
        Tensor(buffer: mapKernel { f($0, s) ? 1 : 0 }, shape: shape, dtype: .bool)
    }

    /// `a == b` elementwise.
    public func eq(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 == $1 } }
    /// `a != b` elementwise.
    public func ne(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 != $1 } }
    /// `a < b` elementwise.
    public func lt(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 < $1 } }
    /// `a <= b` elementwise.
    public func le(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 <= $1 } }
    /// `a > b` elementwise.
    public func gt(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 > $1 } }
    /// `a >= b` elementwise.
    public func ge(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 >= $1 } }

    /// `x == s` elementwise.
    public func eq(_ s: Float) -> Tensor { compare(s) { $0 == $1 } }
    /// `x != s` elementwise.
    public func ne(_ s: Float) -> Tensor { compare(s) { $0 != $1 } }
    /// `x < s` elementwise.
    public func lt(_ s: Float) -> Tensor { compare(s) { $0 < $1 } }
    /// `x <= s` elementwise.
    public func le(_ s: Float) -> Tensor { compare(s) { $0 <= $1 } }
    /// `x > s` elementwise.
    public func gt(_ s: Float) -> Tensor { compare(s) { $0 > $1 } }
    /// `x >= s` elementwise.
    public func ge(_ s: Float) -> Tensor { compare(s) { $0 >= $1 } }

    /// Logical not of a mask (nonzero → 0, zero → 1).
    public func logicalNot() -> Tensor { Tensor(buffer: mapKernel { $0 == 0 ? 1 : 0 }, shape: shape, dtype: .bool) }
    /// Logical and of two masks, broadcasting.
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 != 0 && $1 != 0 } }
    /// Logical or of two masks, broadcasting.
    public func logicalOr(_ other: Tensor) throws -> Tensor { try Tensor.compare(self, other) { $0 != 0 || $1 != 0 } }

    /// This tensor read as another element kind (`.float32`, `.int64` truncating toward zero, `.bool`).
    public func to(_ target: DType) throws -> Tensor {
        switch target {
        case .float32:
            return dtype == .float32 ? self : Tensor(buffer: buffer, shape: shape, dtype: .float32)
        case .int64:
            return Tensor(buffer: mapKernel { $0.rounded(.towardZero) }, shape: shape, dtype: .int64)
        case .bool:
            return Tensor(buffer: mapKernel { $0 != 0 ? 1 : 0 }, shape: shape, dtype: .bool)
        default:
            throw TensorError.dtype("the engine computes in float32, int64 and bool, not \(target.rawValue)")
        }
    }

    /// `condition ? a : b` elementwise, broadcasting all three (`WhereBackward0`).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Broadcast.shape(Broadcast.shape(condition.shape, a.shape), b.shape)
        let sc = Broadcast.strides(of: condition.shape, to: shape)
        let sa = Broadcast.strides(of: a.shape, to: shape), sb = Broadcast.strides(of: b.shape, to: shape)
        let out = TensorBuffer(uninitializedCount: try checkedCount(shape))
        let pc = condition.buffer.pointer, pa = a.buffer.pointer, pb = b.buffer.pointer, po = out.pointer
        let ic = sc.last ?? 0, ia = sa.last ?? 0, ib = sb.last ?? 0
        Broadcast.forEachRow(shape, [sc, sa, sb], cost: 1) { o, off, n in
            for j in 0 ..< n {
                po[o + j] = pc[off[0] + j * ic] != 0 ? pa[off[1] + j * ia] : pb[off[2] + j * ib]
            }
        }
        return makeResult(buffer: out, shape: shape, dtype: arithmeticDType(a, b), inputs: [a, b],
                          name: .whereBackward0) { g in
            let zero = Tensor.zeros([])
            return [a.requiresGrad ? try Tensor.where(condition, g, zero).sumTo(a.shape) : nil,
                    b.requiresGrad ? try Tensor.where(condition, zero, g).sumTo(b.shape) : nil]
        }
    }

    /// `value` where `mask` is nonzero, this tensor elsewhere (`MaskedFillBackward0`). The mask broadcasts to this shape.
    public func maskedFill(_ mask: Tensor, _ value: Float) throws -> Tensor {
        guard try Broadcast.shape(mask.shape, shape) == shape else {
            throw TensorError.shapeMismatch("masked_fill: mask of shape \(mask.shape) does not broadcast to \(shape)")
        }
        let x = self
        let (out, _) = try Tensor.binaryKernel(x, mask) { v, m in m != 0 ? value : v }
        return Tensor.makeResult(buffer: out, shape: shape, dtype: dtype, inputs: [x], name: .maskedFillBackward0) { g in
            [try g.maskedFill(mask, 0)]
        }
    }
}
