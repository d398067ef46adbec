import Foundation

/// Activations: relu family, gelu, sigmoid, tanh, softplus, softmax / log_softmax.
extension Tensor {
    /// `max(x, 0)` (`ReluBackward0`; gradient 0 at 0). Written out rather than through `unaryOp`, whose
    /// element closures stay calls the compiler cannot vectorise: ReLU runs after most layers.
    public func relu() -> Tensor {
        let out = TensorBuffer(uninitializedCount: numel)
        let px = buffer.pointer, py = out.pointer
        Parallel.forRanges(numel) { r in for i in r { py[i] = px[i] > 0 ? px[i] : 0 } }
        return Tensor.makeResult(buffer: out, shape: shape, inputs: [self], name: .reluBackward0) { [self] g in
            let r = TensorBuffer(uninitializedCount: g.numel)
            let pg = g.buffer.pointer, px = buffer.pointer, pr = r.pointer
            // As PyTorch's threshold_backward: the gradient where x > 0, else 0. Both loads are unconditional
            // so the loop vectorises.
            Parallel.forRanges(g.numel) { range in
                for i in range {
                    let gi = pg[i]
                    pr[i] = px[i] > 0 ? gi : 0
                }
            }
            return [Tensor(buffer: r, shape: g.shape)]
        }
    }

    /// `x` for positive x, `slope * x` otherwise (`LeakyReluBackward0`).
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor {
        Tensor.unaryOp(self, name: .leakyReluBackward0, { $0 > 0 ? $0 : $0 * slope }) { x, _ in x > 0 ? 1 : slope }
    }

    /// `x` for positive x, `alpha * (e^x - 1)` otherwise (`EluBackward0`).
    public func elu(alpha: Float = 1) -> Tensor {
        Tensor.unaryOp(self, name: .eluBackward0, cost: 8, { $0 > 0 ? $0 : alpha * expm1f($0) }) { x, _ in
            x > 0 ? 1 : alpha * expf(x)
        }
    }

    /// Which formula `gelu` uses.
    public enum GeluApproximation: String, Sendable, CaseIterable { case none, tanh }

    /// Gaussian error linear unit (`GeluBackward0`): exact `x Φ(x)` with erf, or PyTorch's tanh approximation.
    public func gelu(approximate: GeluApproximation = .none) -> Tensor {
        switch approximate {
        case .none:
            let invSqrt2: Float = 0.70710678118654752440, invSqrt2Pi: Float = 0.39894228040143267794
            return Tensor.unaryOp(self, name: .geluBackward0, cost: 10, { x in 0.5 * x * (1 + erff(x * invSqrt2)) }) { x, _ in
                0.5 * (1 + erff(x * invSqrt2)) + x * invSqrt2Pi * expf(-0.5 * x * x)
            }
        case .tanh:
            let k: Float = 0.79788456080286535588, c: Float = 0.044715
            return Tensor.unaryOp(self, name: .geluBackward0, cost: 10, { x in 0.5 * x * (1 + tanhf(k * (x + c * x * x * x))) }) { x, _ in
                let t = tanhf(k * (x + c * x * x * x))
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x)
            }
        }
    }

    /// Logistic sigmoid (`SigmoidBackward0`).
    public func sigmoid() -> Tensor {
        Tensor.unaryOp(self, name: .sigmoidBackward0, cost: 8, { x in
            // Stable both ways with one exp: e^(-|x|) never overflows.
            let e = expf(-Swift.abs(x))
            return x >= 0 ? 1 / (1 + e) : e / (1 + e)
        }) { _, y in y * (1 - y) }
    }

    /// Hyperbolic tangent (`TanhBackward0`).
    public func tanh() -> Tensor {
        Tensor.unaryOp(self, name: .tanhBackward0, cost: 8, { tanhf($0) }) { _, y in 1 - y * y }
    }

    /// `log(1 + e^(βx)) / β`, linear where `βx > threshold` (`SoftplusBackward0`).
    public func softplus(beta: Float = 1, threshold: Float = 20) -> Tensor {
        Tensor.unaryOp(self, name: .softplusBackward0, cost: 10, { x in
            x * beta > threshold ? x : log1pf(expf(x * beta)) / beta
        }) { x, _ in
            if x * beta > threshold { return 1 }
            let z = expf(x * beta)
            return z / (z + 1)
        }
    }

    /// `x * sigmoid(x)` (`SiluBackward0`).
    public func silu() -> Tensor {
        Tensor.unaryOp(self, name: .siluBackward0, cost: 8, { x in x / (1 + expf(-x)) }) { x, _ in
            let s = 1 / (1 + expf(-x))
            return s * (1 + x * (1 - s))
        }
    }

    /// Geometry of a softmax-style op along `dim`: `outer` blocks of `size` elements spaced `inner` apart.
    func lanes(_ dim: Int) throws -> (outer: Int, size: Int, inner: Int) {
        let d = try normalizeDim(dim)
        if rank == 0 { return (1, 1, 1) }
        let inner = shape[(d + 1)...].reduce(1, *)
        return (numel / Swift.max(shape[d] * inner, 1), shape[d], inner)
    }

    /// Softmax along `dim` (`SoftmaxBackward0`), computed stably (max subtracted).
    public func softmax(dim: Int) throws -> Tensor { try softmaxFamily(dim: dim, log: false) }

    /// Log-softmax along `dim` (`LogSoftmaxBackward0`), computed stably (log-sum-exp).
    public func logSoftmax(dim: Int) throws -> Tensor { try softmaxFamily(dim: dim, log: true) }

    private func softmaxFamily(dim: Int, log: Bool) throws -> Tensor {
        let (outer, size, inner) = try lanes(dim)
        let out = TensorBuffer(uninitializedCount: numel)
        let px = buffer.pointer
        let py = out.pointer
        Parallel.forRanges(outer * inner, cost: size * 10) { range in
            for lane in range {
                let base = (lane / inner) * size * inner + lane % inner
                var m = -Float.infinity
                for k in 0 ..< size { m = Swift.max(m, px[base + k * inner]) }
                if m == -.infinity { m = 0 }
                var s: Float = 0
                for k in 0 ..< size {
                    let e = expf(px[base + k * inner] - m)
                    py[base + k * inner] = e
                    s += e
                }
                if log {
                    let ls = logf(s) + m
                    for k in 0 ..< size { py[base + k * inner] = px[base + k * inner] - ls }
                } else {
                    let inv = 1 / s
                    for k in 0 ..< size { py[base + k * inner] *= inv }
                }
            }
        }
        return Tensor.makeResult(buffer: out, shape: shape, inputs: [self],
                                 name: log ? .logSoftmaxBackward0 : .softmaxBackward0) { g in
            let r = TensorBuffer(uninitializedCount: g.numel)
            // Read the output through `out` so the closure keeps its buffer alive.
            let pg = g.buffer.pointer, pr = r.pointer, py = out.pointer
            for lane in 0 ..< outer * inner {
                let base = (lane / inner) * size * inner + lane % inner
                var s: Float = 0
                if log {
                    // d/dx log_softmax: g - softmax * sum(g)
                    for k in 0 ..< size { s += pg[base + k * inner] }
                    for k in 0 ..< size {
                        let i = base + k * inner
                        pr[i] = pg[i] - expf(py[i]) * s
                    }
                } else {
                    // d/dx softmax: y * (g - sum(g * y))
                    for k in 0 ..< size { s += pg[base + k * inner] * py[base + k * inner] }
                    for k in 0 ..< size {
                        let i = base + k * inner
                        pr[i] = py[i] * (pg[i] - s)
                    }
                }
            }
            return [Tensor(buffer: r, shape: g.shape)]
        }
    }
}
