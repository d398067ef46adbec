import CkptTensor
import Foundation

// Elementwise activations beyond `Activation.swift`. Each forward and derivative is the formula of PyTorch's CPU
// kernel (aten/src/ATen/native/cpu/Activation.cpp), including which side of a kink takes which gradient.

/// `nn.SiLU(inplace=False)`: `x·σ(x)`.
public final class SiLU: UnaryModule {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
    public override func forward(_ x: Tensor) throws -> Tensor { x.silu() }
}

/// `nn.Mish(inplace=False)`: `x·tanh(softplus(x))`.
public final class Mish: UnaryModule {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
    public override func forward(_ x: Tensor) throws -> Tensor { Mish.mish(x) }

    /// `F.mish` (`MishBackward0`).
    static func mish(_ x: Tensor) -> Tensor {
        Tensor.unaryOp(x, name: .mishBackward0, cost: 16, { v in v * tanhf(log1pf(expf(v))) }) { v, _ in
            let s = 1 / (1 + expf(-v)), t = tanhf(log1pf(expf(v)))
            return t + v * s * (1 - t * t)
        }
    }
}

/// `nn.Hardswish(inplace=False)`: `x·relu6(x + 3)/6`. PyTorch prints no `inplace`.
public final class Hardswish: UnaryModule {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        Tensor.unaryOp(x, name: .hardswishBackward0, { v in v * Swift.min(Swift.max(v + 3, 0), 6) / 6 }) { v, _ in
            v < -3 ? 0 : (v <= 3 ? v / 3 + 0.5 : 1)
        }
    }
}

/// `nn.Hardsigmoid(inplace=False)`: `relu6(x + 3)/6`. PyTorch prints no `inplace`.
public final class Hardsigmoid: UnaryModule {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        Tensor.unaryOp(x, name: .hardsigmoidBackward0, { v in Swift.min(Swift.max(v + 3, 0), 6) / 6 }) { v, _ in
            v > -3 && v < 3 ? 1.0 / 6 : 0
        }
    }
}

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`: `x` clamped into `[min_val, max_val]`; the gradient
/// is 0 at and beyond either bound.
public class Hardtanh: UnaryModule {
    public let minVal: NumberArgument
    public let maxVal: NumberArgument
    public let inplace: Bool

    /// PyTorch asserts `max_val > min_val` when constructing.
    public convenience init(minVal: NumberArgument = -1.0, maxVal: NumberArgument = 1.0, inplace: Bool = false) throws {
        guard maxVal.value > minVal.value else { throw NNError.invalidArgument("Hardtanh: max_val must be greater than min_val") }
        self.init(orderedMin: minVal, max: maxVal, inplace: inplace)
    }

    init(orderedMin minVal: NumberArgument, max maxVal: NumberArgument, inplace: Bool) {
        self.minVal = minVal; self.maxVal = maxVal; self.inplace = inplace
        super.init()
    }

    public override var extraRepr: String { "min_val=\(minVal), max_val=\(maxVal)" + (inplace ? ", inplace=True" : "") }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let lo = minVal.float, hi = maxVal.float
        return Tensor.unaryOp(x, name: .hardtanhBackward0, { v in v.isNaN ? v : Swift.min(Swift.max(v, lo), hi) }) { v, _ in
            v <= lo || v >= hi ? 0 : 1
        }
    }
}

/// `nn.ReLU6(inplace=False)`: `Hardtanh(0, 6)`, printed as `ReLU6()` or `ReLU6(inplace=True)`.
public final class ReLU6: Hardtanh {
    public init(inplace: Bool = false) { super.init(orderedMin: 0.0, max: 6.0, inplace: inplace) }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// ELU's kernel with PyTorch's three coefficients (`EluBackward0`): `x > 0 ? scale·x : negcoef·(exp(x·inputScale) − 1)`.
/// SELU and CELU are this kernel with fixed coefficients, as in PyTorch.
func eluKernel(_ x: Tensor, alpha: Float, scale: Float, inputScale: Float) -> Tensor {
    let negcoef = alpha * scale
    return Tensor.unaryOp(x, name: .eluBackward0, cost: 8, { v in v <= 0 ? expm1f(v * inputScale) * negcoef : v * scale }) { v, _ in
        v <= 0 ? inputScale * negcoef * expf(v * inputScale) : scale
    }
}

/// `nn.SELU(inplace=False)`: `scale·elu(x, alpha)` with the self-normalising constants.
public final class SELU: UnaryModule {
    /// PyTorch's `selu` constants (aten/src/ATen/native/Activation.cpp).
    public static let alpha = 1.6732632423543772848170429916717
    public static let scale = 1.0507009873554804934193349852946
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        eluKernel(x, alpha: Float(SELU.alpha), scale: Float(SELU.scale), inputScale: 1)
    }
}

/// `nn.CELU(alpha=1.0, inplace=False)`: `max(0, x) + min(0, alpha·(exp(x/alpha) − 1))`.
public final class CELU: UnaryModule {
    public let alpha: NumberArgument
    public let inplace: Bool
    public init(alpha: NumberArgument = 1.0, inplace: Bool = false) { self.alpha = alpha; self.inplace = inplace; super.init() }
    public override var extraRepr: String { "alpha=\(alpha)" + (inplace ? ", inplace=True" : "") }
    public override func forward(_ x: Tensor) throws -> Tensor {
        eluKernel(x, alpha: alpha.float, scale: 1, inputScale: Float(1 / alpha.value))
    }
}

/// `nn.LogSigmoid()`: `log σ(x)`, computed as `min(x, 0) − log1p(exp(−|x|))` so it never overflows.
public final class LogSigmoid: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        Tensor.unaryOp(x, name: .logSigmoidBackward0, cost: 8, { v in Swift.min(v, 0) - log1pf(expf(-Swift.abs(v))) }) { v, _ in
            let z = expf(-Swift.abs(v))
            return v < 0 ? 1 - z / (1 + z) : z / (1 + z)
        }
    }
}

/// `nn.Softsign()`: `x / (1 + |x|)`, built from ops as `F.softsign` is.
public final class Softsign: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x / (x.abs() + 1) }
}

/// `nn.Tanhshrink()`: `x − tanh(x)`, built from ops as `F.tanhshrink` is.
public final class Tanhshrink: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x - x.tanh() }
}

/// `nn.Threshold(threshold, value, inplace=False)`: `x > threshold ? x : value`.
public final class Threshold: UnaryModule {
    public let threshold: NumberArgument
    public let value: NumberArgument
    public let inplace: Bool
    public init(threshold: NumberArgument, value: NumberArgument, inplace: Bool = false) {
        self.threshold = threshold; self.value = value; self.inplace = inplace
        super.init()
    }
    public override var extraRepr: String { "threshold=\(threshold), value=\(value)" + (inplace ? ", inplace=True" : "") }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let t = threshold.float, v = value.float
        return Tensor.unaryOp(x, name: .thresholdBackward0, { $0 <= t ? v : $0 }) { x, _ in x <= t ? 0 : 1 }
    }
}

/// `nn.Hardshrink(lambd=0.5)`: `x` where `|x| > lambd`, else 0. Printed as `Hardshrink(0.5)`.
public final class Hardshrink: UnaryModule {
    public let lambd: NumberArgument
    public init(lambd: NumberArgument = 0.5) { self.lambd = lambd; super.init() }
    public override var extraRepr: String { lambd.description }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let l = lambd.float
        return Tensor.unaryOp(x, name: .hardshrinkBackward0, { v in v >= -l && v <= l ? 0 : v }) { v, _ in v >= -l && v <= l ? 0 : 1 }
    }
}

/// `nn.Softshrink(lambd=0.5)`: `x ∓ lambd` beyond `±lambd`, else 0. Printed as `Softshrink(0.5)`.
public final class Softshrink: UnaryModule {
    public let lambd: NumberArgument
    public init(lambd: NumberArgument = 0.5) { self.lambd = lambd; super.init() }
    public override var extraRepr: String { lambd.description }
    public override func forward(_ x: Tensor) throws -> Tensor {
        // PyTorch checks when running, not when constructing.
        guard lambd.value >= 0 else { throw NNError.invalidArgument("lambda must be greater or equal to 0, but found to be \(lambd).") }
        let l = lambd.float
        return Tensor.unaryOp(x, name: .softshrinkBackward0, { v in v > l ? v - l : (v < -l ? v + l : 0) }) { v, _ in
            v >= -l && v <= l ? 0 : 1
        }
    }
}
