import Foundation

/// Piecewise-linear activations. Each forward and derivative is the formula of PyTorch's CPU kernel
/// (aten/src/ATen/native/cpu/Activation.cpp), including which side of a kink takes which gradient.
extension Tensor {
    /// `x` clamped into `[minVal, maxVal]` (`HardtanhBackward0`): the gradient is 0 at and beyond either bound, and
    /// NaN stays NaN. ReLU6 is `hardtanh(0, 6)`.
    public func hardtanh(minVal: Float = -1, maxVal: Float = 1) -> Tensor {
        Tensor.unaryOp(self, name: .hardtanhBackward0, { v in v.isNaN ? v : Swift.min(Swift.max(v, minVal), maxVal) }) { v, _ in
            v <= minVal || v >= maxVal ? 0 : 1
        }
    }

    /// `x·relu6(x + 3)/6` (`HardswishBackward0`).
    public func hardswish() -> Tensor {
        Tensor.unaryOp(self, name: .hardswishBackward0, { v in v * Swift.min(Swift.max(v + 3, 0), 6) / 6 }) { v, _ in
            v < -3 ? 0 : (v <= 3 ? v / 3 + 0.5 : 1)
        }
    }

    /// `relu6(x + 3)/6` (`HardsigmoidBackward0`).
    public func hardsigmoid() -> Tensor {
        Tensor.unaryOp(self, name: .hardsigmoidBackward0, { v in Swift.min(Swift.max(v + 3, 0), 6) / 6 }) { v, _ in
            v > -3 && v < 3 ? 1.0 / 6 : 0
        }
    }

    /// `x > threshold ? x : value` (`ThresholdBackward0`).
    public func threshold(_ threshold: Float, value: Float) -> Tensor {
        Tensor.unaryOp(self, name: .thresholdBackward0, { $0 <= threshold ? value : $0 }) { x, _ in x <= threshold ? 0 : 1 }
    }

    /// `x` where `|x| > lambd`, else 0 (`HardshrinkBackward0`).
    public func hardshrink(lambd: Float = 0.5) -> Tensor {
        Tensor.unaryOp(self, name: .hardshrinkBackward0, { v in v >= -lambd && v <= lambd ? 0 : v }) { v, _ in
            v >= -lambd && v <= lambd ? 0 : 1
        }
    }

    /// `x ∓ lambd` beyond `±lambd`, else 0 (`SoftshrinkBackward0`). PyTorch checks `lambd ≥ 0` when it runs.
    public func softshrink(lambd: Float = 0.5) throws -> Tensor {
        guard lambd >= 0 else { throw TensorError.invalidArgument("lambda must be greater or equal to 0, but found to be \(lambd).") }
        return Tensor.unaryOp(self, name: .softshrinkBackward0, { v in v > lambd ? v - lambd : (v < -lambd ? v + lambd : 0) }) { v, _ in
            v >= -lambd && v <= lambd ? 0 : 1
        }
    }
}
