import Foundation
import CkptTensor

/// `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`.
public enum ClipGrad {
    /// Scales every gradient by `maxNorm / (total + 1e-6)` when that is below 1, where `total` is the
    /// `normType` norm of all gradients together (`.infinity` for the max-abs norm). Returns the total norm.
    @discardableResult
    public static func clipGradNorm(_ params: [Tensor], maxNorm: Double, normType: Double = 2) throws -> Float {
        guard normType > 0 else { throw NNError.invalidArgument("clip_grad_norm_: norm_type must be positive, got \(normType)") }
        let grads = params.compactMap(\.grad)
        guard !grads.isEmpty else { return 0 }
        let total: Float
        if normType.isInfinite {
            total = grads.map { $0.scalars.reduce(Float(0)) { max($0, abs($1)) } }.max() ?? 0
        } else {
            // PyTorch takes each gradient's norm first, then the norm of those norms.
            let p = Float(normType)
            let norms = grads.map { g -> Float in
                let s = g.scalars.reduce(Float(0)) { $0 + (p == 2 ? $1 * $1 : Float(pow(Double(abs($1)), Double(p)))) }
                return p == 2 ? s.squareRoot() : Float(pow(Double(s), 1 / Double(p)))
            }
            let s = norms.reduce(Float(0)) { $0 + (p == 2 ? $1 * $1 : Float(pow(Double($1), Double(p)))) }
            total = p == 2 ? s.squareRoot() : Float(pow(Double(s), 1 / Double(p)))
        }
        let coef = min(Float(maxNorm) / (total + 1e-6), 1)
        try Tensor.noGrad { for g in grads { try g.mul_(coef) } }
        return total
    }

    /// Clamps every gradient element into `[-clipValue, clipValue]`.
    public static func clipGradValue(_ params: [Tensor], clipValue: Double) throws {
        let c = Float(clipValue)
        try Tensor.noGrad { for g in params.compactMap(\.grad) { try g.clamp_(min: -c, max: c) } }
    }
}
