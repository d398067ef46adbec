import CkptCore

/// + − × ÷ and negation, with broadcasting and gradients (the pattern every op follows).
extension Tensor {
    /// Result dtype of an arithmetic op: index tensors stay indices when both sides are.
    static func arithmeticDType(_ a: Tensor, _ b: Tensor) -> DType {
        a.dtype == .int64 && b.dtype == .int64 ? .int64 : .float32
    }

    /// `a + b` with broadcasting (`AddBackward0`).
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let (out, shape) = try binaryKernel(a, b) { $0 + $1 }
        return makeResult(buffer: out, shape: shape, dtype: arithmeticDType(a, b), inputs: [a, b], name: .addBackward0) { g in
            [a.requiresGrad ? try g.sumTo(a.shape) : nil, b.requiresGrad ? try g.sumTo(b.shape) : nil]
        }
    }

    /// `a - b` with broadcasting (`SubBackward0`).
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let (out, shape) = try binaryKernel(a, b) { $0 - $1 }
        return makeResult(buffer: out, shape: shape, dtype: arithmeticDType(a, b), inputs: [a, b], name: .subBackward0) { g in
            [a.requiresGrad ? try g.sumTo(a.shape) : nil, b.requiresGrad ? try g.negated().sumTo(b.shape) : nil]
        }
    }

    /// `a * b` elementwise with broadcasting (`MulBackward0`).
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let (out, shape) = try binaryKernel(a, b) { $0 * $1 }
        return makeResult(buffer: out, shape: shape, dtype: arithmeticDType(a, b), inputs: [a, b], name: .mulBackward0) { g in
            [a.requiresGrad ? try (g * b).sumTo(a.shape) : nil, b.requiresGrad ? try (g * a).sumTo(b.shape) : nil]
        }
    }

    /// `a / b` elementwise with broadcasting (`DivBackward0`); always a float result.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let (out, shape) = try binaryKernel(a, b) { $0 / $1 }
        return makeResult(buffer: out, shape: shape, inputs: [a, b], name: .divBackward0) { g in
            [a.requiresGrad ? try (g / b).sumTo(a.shape) : nil,
             b.requiresGrad ? try (g * a / (b * b)).negated().sumTo(b.shape) : nil]
        }
    }

    /// `-x` (`NegBackward0`).
    public func negated() -> Tensor {
        let out = mapKernel { -$0 }
        return Tensor.makeResult(buffer: out, shape: shape, dtype: dtype == .int64 ? .int64 : .float32, inputs: [self],
                                 name: .negBackward0) { g in [g.negated()] }
    }

    /// `-x` (`NegBackward0`).
    public static prefix func - (x: Tensor) -> Tensor { x.negated() }

    /// `x + s` (`AddBackward0`).
    public static func + (x: Tensor, s: Float) -> Tensor {
        let out = x.mapKernel { $0 + s }
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: .addBackward0) { g in [g] }
    }

    /// `s + x` (`AddBackward0`).
    public static func + (s: Float, x: Tensor) -> Tensor { x + s }

    /// `x - s` (`SubBackward0`).
    public static func - (x: Tensor, s: Float) -> Tensor {
        let out = x.mapKernel { $0 - s }
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: .subBackward0) { g in [g] }
    }

    /// `s - x` (`RsubBackward1`).
    public static func - (s: Float, x: Tensor) -> Tensor {
        let out = x.mapKernel { s - $0 }
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: .rsubBackward1) { g in [g.negated()] }
    }

    /// `x * s` (`MulBackward0`).
    public static func * (x: Tensor, s: Float) -> Tensor {
        let out = x.mapKernel { $0 * s }
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: .mulBackward0) { g in [g * s] }
    }

    /// `s * x` (`MulBackward0`).
    public static func * (s: Float, x: Tensor) -> Tensor { x * s }

    /// `x / s` (`DivBackward0`).
    public static func / (x: Tensor, s: Float) -> Tensor {
        let out = x.mapKernel { $0 / s }
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: .divBackward0) { g in [g / s] }
    }

    /// `s / x` (`DivBackward0` via reciprocal, as `s * x.reciprocal()`).
    public static func / (s: Float, x: Tensor) -> Tensor {
        let out = x.mapKernel { s / $0 }
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: .mulBackward0) { g in
            let xb = x.buffer.pointer
            let r = TensorBuffer(uninitializedCount: g.numel)
            for i in 0 ..< g.numel { r.pointer[i] = -s * g.buffer.pointer[i] / (xb[i] * xb[i]) }
            return [Tensor(buffer: r, shape: g.shape)]
        }
    }
}
