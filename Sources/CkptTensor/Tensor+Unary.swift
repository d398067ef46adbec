import Foundation

/// Elementwise functions of one tensor: pow, exp, log, sqrt, abs, clamp and friends.
extension Tensor {
    /// Records an elementwise op `y = forward(x)` whose derivative `dy/dx` is `derivative(x, y)`.
    /// The backward multiplies the incoming gradient by the derivative, element by element.
    @inline(__always)
    public static func unaryOp(_ x: Tensor, name: GradFnName, cost: Int = 1, _ forward: (Float) -> Float,
                               derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let out = x.mapKernel(cost: cost, forward)
        return makeResult(buffer: out, shape: x.shape, inputs: [x], name: name) { g in
            let r = TensorBuffer(uninitializedCount: g.numel)
            let pg = g.buffer.pointer, px = x.buffer.pointer, py = out.pointer, pr = r.pointer
            Parallel.forRanges(g.numel, cost: cost) { range in
                for i in range { pr[i] = pg[i] * derivative(px[i], py[i]) }
            }
            return [Tensor(buffer: r, shape: g.shape)]
        }
    }

    /// `e^x` (`ExpBackward0`).
    public func exp() -> Tensor { Tensor.unaryOp(self, name: .expBackward0, cost: 8, { expf($0) }) { _, y in y } }

    /// Natural log (`LogBackward0`).
    public func log() -> Tensor { Tensor.unaryOp(self, name: .logBackward0, cost: 8, { logf($0) }) { x, _ in 1 / x } }

    /// Square root (`SqrtBackward0`).
    public func sqrt() -> Tensor { Tensor.unaryOp(self, name: .sqrtBackward0, cost: 4, { sqrtf($0) }) { _, y in 0.5 / y } }

    /// `1 / sqrt(x)` (`RsqrtBackward0`).
    public func rsqrt() -> Tensor {
        Tensor.unaryOp(self, name: .rsqrtBackward0, cost: 4, { 1 / sqrtf($0) }) { _, y in -0.5 * y * y * y }
    }

    /// `|x|` (`AbsBackward0`); the gradient at 0 is 0, as PyTorch's `sgn`.
    public func abs() -> Tensor {
        Tensor.unaryOp(self, name: .absBackward0, { Swift.abs($0) }) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
    }

    /// `x * x` (`PowBackward0`, as `x.pow(2)`).
    public func square() -> Tensor { pow(2) }

    /// `1 / x` (`ReciprocalBackward0`).
    public func reciprocal() -> Tensor {
        Tensor.unaryOp(self, name: .reciprocalBackward0, { 1 / $0 }) { _, y in -y * y }
    }

    /// Sine (`SinBackward0`).
    public func sin() -> Tensor { Tensor.unaryOp(self, name: .sinBackward0, cost: 8, { sinf($0) }) { x, _ in cosf(x) } }

    /// Cosine (`CosBackward0`).
    public func cos() -> Tensor { Tensor.unaryOp(self, name: .cosBackward0, cost: 8, { cosf($0) }) { x, _ in -sinf(x) } }

    /// `log(1 + x)` (`Log1PBackward0`).
    public func log1p() -> Tensor { Tensor.unaryOp(self, name: .log1PBackward0, cost: 8, { log1pf($0) }) { x, _ in 1 / (1 + x) } }

    /// `x ** p` for a scalar exponent (`PowBackward0`); the gradient is 0 where `p == 0`, as in PyTorch.
    public func pow(_ p: Float) -> Tensor {
        let forward: (Float) -> Float
        if p == 2 { forward = { $0 * $0 } } else if p == 1 { forward = { $0 } } else { forward = { powf($0, p) } }
        return Tensor.unaryOp(self, name: .powBackward0, cost: 8, forward) { x, _ in
            p == 0 ? 0 : (p == 2 ? 2 * x : p * powf(x, p - 1))
        }
    }

    /// `a ** b` elementwise with broadcasting (`PowBackward1`).
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let a = self, b = exponent
        let (out, shape) = try Tensor.binaryKernel(a, b, cost: 8) { powf($0, $1) }
        return Tensor.makeResult(buffer: out, shape: shape, inputs: [a, b], name: .powBackward1) { g in
            let y = Tensor(buffer: out, shape: shape)
            var ga: Tensor?, gb: Tensor?
            if a.requiresGrad {
                let (d, _) = try Tensor.binaryKernel(a, b, cost: 8) { x, p in p == 0 ? 0 : p * powf(x, p - 1) }
                ga = try (g * Tensor(buffer: d, shape: shape)).sumTo(a.shape)
            }
            if b.requiresGrad {
                // d/db a^b = a^b * log(a); PyTorch masks the (a == 0, b >= 0) corner to 0.
                let (la, _) = try Tensor.binaryKernel(a, b) { x, p in x == 0 && p >= 0 ? 0 : logf(x) }
                gb = try (g * y * Tensor(buffer: la, shape: shape)).sumTo(b.shape)
            }
            return [ga, gb]
        }
    }

    /// Clamps into `[min, max]` (either bound optional; `ClampBackward1`); the gradient passes strictly
    /// inside, `min < x < max`, as PyTorch's (0 at a bound).
    public func clamp(min lo: Float? = nil, max hi: Float? = nil) -> Tensor {
        let l = lo ?? -.infinity, h = hi ?? .infinity
        // NaN propagates (PyTorch's clamp keeps NaN); max wins when min > max.
        return Tensor.unaryOp(self, name: .clampBackward1, { x in x.isNaN ? x : Swift.min(Swift.max(x, l), h) }) { x, _ in
            x > l && x < h ? 1 : 0
        }
    }

    /// A differentiable copy (`CloneBackward0`).
    public func clone() -> Tensor {
        Tensor.makeResult(buffer: buffer.copy(), shape: shape, dtype: dtype, inputs: [self], name: .cloneBackward0) { g in [g] }
    }
}
