import Foundation

/// Smooth activations beyond `Tensor+Activation`: mish, the ELU family's SELU and CELU, log-sigmoid, softsign,
/// tanhshrink, GLU and PReLU. Forwards and derivatives follow PyTorch's CPU kernels
/// (aten/src/ATen/native/cpu/Activation.cpp); softsign, tanhshrink and PReLU are built from ops as PyTorch's are.
extension Tensor {
    /// `x·tanh(softplus(x))` (`MishBackward0`).
    public func mish() -> Tensor {
        Tensor.unaryOp(self, name: .mishBackward0, cost: 16, { v in v * tanhf(log1pf(expf(v))) }) { v, _ in
            let s = 1 / (1 + expf(-v)), t = tanhf(log1pf(expf(v)))
            return t + v * s * (1 - t * t)
        }
    }

    /// ELU's kernel with PyTorch's three coefficients (`EluBackward0`): `x > 0 ? scale·x : alpha·scale·(exp(x·inputScale) − 1)`.
    /// SELU and CELU are this kernel with fixed coefficients, as in PyTorch.
    func eluFamily(alpha: Float, scale: Float, inputScale: Float) -> Tensor {
        let negcoef = alpha * scale
        return Tensor.unaryOp(self, name: .eluBackward0, cost: 8, { v in v <= 0 ? expm1f(v * inputScale) * negcoef : v * scale }) { v, _ in
            v <= 0 ? inputScale * negcoef * expf(v * inputScale) : scale
        }
    }

    /// PyTorch's `selu` constants (aten/src/ATen/native/Activation.cpp).
    public static let seluAlpha = 1.6732632423543772848170429916717
    public static let seluScale = 1.0507009873554804934193349852946

    /// `scale·elu(x, alpha)` with the self-normalising constants.
    public func selu() -> Tensor { eluFamily(alpha: Float(Tensor.seluAlpha), scale: Float(Tensor.seluScale), inputScale: 1) }

    /// `max(0, x) + min(0, alpha·(exp(x/alpha) − 1))`.
    public func celu(alpha: Double = 1) -> Tensor { eluFamily(alpha: Float(alpha), scale: 1, inputScale: Float(1 / alpha)) }

    /// `log σ(x)` (`LogSigmoidBackward0`), computed as `min(x, 0) − log1p(exp(−|x|))` so it never overflows.
    public func logSigmoid() -> Tensor {
        Tensor.unaryOp(self, name: .logSigmoidBackward0, cost: 8, { v in Swift.min(v, 0) - log1pf(expf(-Swift.abs(v))) }) { v, _ in
            let z = expf(-Swift.abs(v))
            return v < 0 ? 1 - z / (1 + z) : z / (1 + z)
        }
    }

    /// `x / (1 + |x|)`.
    public func softsign() throws -> Tensor { try self / (abs() + 1) }

    /// `x − tanh(x)`.
    public func tanhshrink() throws -> Tensor { try self - tanh() }

    /// The input halved along `dim` into `a, b`, then `a·σ(b)`.
    public func glu(dim: Int = -1) throws -> Tensor {
        guard rank > 0 else { throw TensorError.invalidArgument("glu does not support scalars because halving size must be even") }
        let d = try normalizeDim(dim)
        guard shape[d] % 2 == 0 else {
            throw TensorError.invalidArgument("Halving dimension must be even, but dimension \(d) is size \(shape[d])")
        }
        let halves = try chunk(2, dim: d)
        return try halves[0] * halves[1].sigmoid()
    }

    /// `x > 0 ? x : a·x` with a slope `weight` of one element or one per channel (dim 1).
    public func prelu(_ weight: Tensor) throws -> Tensor {
        var slope = weight
        if weight.numel != 1 {
            let channels = rank > 1 ? shape[1] : 1
            guard channels == weight.numel else {
                throw TensorError.invalidArgument("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                                                  + "\(weight.numel) and channel size = \(channels).")
            }
            slope = try weight.reshape([1, channels] + Array(repeating: 1, count: rank - 2))
        } else if rank == 0 {
            slope = try weight.reshape([])
        }
        // x − relu(x) is min(x, 0) exactly, and its derivative at 0 is 1, so x = 0 takes the slope's gradient as
        // PyTorch's `x > 0 ? g : a·g` does.
        let positive = relu()
        return try positive + slope * (self - positive)
    }
}
