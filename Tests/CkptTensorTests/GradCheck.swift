@testable import CkptTensor

/// Central finite differences for `L(x) = Σ op(x) · g` against the engine's backward.
enum GradCheck {
    /// Largest input (elements) checked: every element costs two forward passes.
    static let maxElements = 256

    /// `Σ out · g` in Double.
    static func objective(_ out: Tensor, _ g: Tensor) -> Double {
        var s = 0.0
        for i in 0 ..< out.numel { s += Double(out.buffer.pointer[i]) * Double(g.buffer.pointer[i]) }
        return s
    }

    /// Describes the first element whose analytic gradient disagrees with central differences, or nil.
    /// `h` is the step; the tolerance allows Float32 rounding of the objective divided by `2h`.
    static func mismatch(inputs: [Tensor], g: Tensor, h: Float = 3e-3,
                         _ op: ([Tensor]) throws -> Tensor) throws -> String? {
        for t in inputs { t.grad = nil }
        let out = try op(inputs)
        try (out * g).sum().backward()
        let magnitude = try Tensor.noGrad { (try op(inputs) * g).abs().sum() }.item()
        for (k, x) in inputs.enumerated() where x.requiresGrad {
            let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.numel)
            for j in 0 ..< x.numel {
                let saved = x.buffer.pointer[j]
                x.buffer.pointer[j] = saved + h
                let plus = try Tensor.noGrad { objective(try op(inputs), g) }
                x.buffer.pointer[j] = saved - h
                let minus = try Tensor.noGrad { objective(try op(inputs), g) }
                x.buffer.pointer[j] = saved
                let numeric = (plus - minus) / Double(2 * h)
                let a = Double(analytic[j])
                let tol = 1e-2 * Swift.abs(a) + 2e-3 + Double(magnitude) * 3e-7 / Double(h)
                if !(Swift.abs(numeric - a) <= tol) {
                    return "input \(k) element \(j): analytic \(a), numeric \(numeric)"
                }
            }
        }
        return nil
    }
}
