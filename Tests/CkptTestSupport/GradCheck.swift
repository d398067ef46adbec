/// Central finite differences of `L(x) = Σᵢ f(x)ᵢ · gᵢ` against analytic gradients: the one gradient check of the
/// test suites, over Double kernels (`GradCheck.float64`), Float32 engine ops (`.float32`) and modules
/// (`.modules`; the Tensor and kernel front ends are in `GradCheck+Inputs.swift`).
///
/// Each element of each input is moved by ±h and `(L(x + h) − L(x − h)) / 2h` is compared with the analytic
/// gradient: accepted when `|numeric − analytic| ≤ absolute + relative · |analytic| + rounding · Σ|f · g| / h`, the
/// last term being the objective's own rounding error divided by the step. Where `oneSidedAtKinks` is set and the
/// one-sided differences disagree by more than twice the bound (a kink or a jump inside the step: Hardshrink at ±λ,
/// ReLU6 at 0), the analytic gradient must equal one of them within twice the bound, as a subgradient does.
public struct GradCheck: Sendable {
    /// The finite-difference step of one input.
    public enum Step: Sendable {
        /// The same step for every input.
        case fixed(Double)
        /// `max(min(maximum, maximum · rms(input)), minimum)`: smaller steps for inputs of small values.
        case scaledToRMS(maximum: Double, minimum: Double)

        /// The step for an input holding `values`.
        public func value(for values: [Double]) -> Double {
            switch self {
            case .fixed(let h): return h
            case .scaledToRMS(let maximum, let minimum):
                let rms = (values.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(values.count, 1))).squareRoot()
                return Swift.max(Swift.min(maximum, maximum * rms), minimum)
            }
        }
    }

    public var step: Step
    public var absolute: Double
    public var relative: Double
    /// Relative rounding error of the objective (about 2.5 ulp of the arithmetic's precision; 0 in Double).
    public var rounding: Double
    public var oneSidedAtKinks: Bool

    public init(step: Step, absolute: Double, relative: Double, rounding: Double = 0, oneSidedAtKinks: Bool = false) {
        self.step = step
        self.absolute = absolute
        self.relative = relative
        self.rounding = rounding
        self.oneSidedAtKinks = oneSidedAtKinks
    }

    /// Kernels computed in Double: h = 1e-6, errors within 5e-7 + 5e-7 · |analytic| (never looser than the former
    /// `|numeric − analytic| ≤ 1e-6 · max(1, |numeric|)`).
    public static let float64 = GradCheck(step: .fixed(1e-6), absolute: 5e-7, relative: 5e-7)

    /// Engine ops in Float32: h = 3e-3, errors within 2e-3 + 1% of the gradient plus Float32 rounding of the objective.
    public static let float32 = GradCheck(step: .fixed(3e-3), absolute: 2e-3, relative: 1e-2, rounding: 3e-7)

    /// Modules (inputs and parameters) in Float32: `float32`'s bound, steps scaled down for tensors of small values,
    /// one-sided differences accepted at kinks.
    public static let modules = GradCheck(step: .scaledToRMS(maximum: 3e-3, minimum: 1e-5), absolute: 2e-3,
                                          relative: 1e-2, rounding: 3e-7, oneSidedAtKinks: true)

    /// One element whose analytic gradient is out of bounds (input -1: the gradients do not fit the inputs).
    public struct Mismatch: CustomStringConvertible, Sendable {
        public var input: Int
        public var element: Int
        public var detail: String
        public var description: String {
            input < 0 ? detail : element < 0 ? "input \(input): \(detail)" : "input \(input) element \(element): \(detail)"
        }
    }

    /// Checks the gradients of `Σ forward(x) · weights`. `steps[i]` is input i's step (as the arithmetic sees it);
    /// `analytic[i]` its gradient, nil for an input that is not checked. Returns the first element out of bounds,
    /// or nil.
    public func mismatch(inputs: [[Double]], steps: [Double], weights: [Double], analytic: [[Double]?],
                         forward: ([[Double]]) throws -> [Double]) throws -> Mismatch? {
        guard analytic.count == inputs.count, steps.count == inputs.count else {
            return Mismatch(input: -1, element: -1,
                            detail: "\(analytic.count) gradients and \(steps.count) steps for \(inputs.count) inputs")
        }
        func objective(_ xs: [[Double]]) throws -> (value: Double, magnitude: Double) {
            let out = try forward(xs)
            guard out.count == weights.count else { throw GradCheckError.outputCount(out.count, weights.count) }
            var value = 0.0, magnitude = 0.0
            for (y, g) in zip(out, weights) {
                value += y * g
                magnitude += Swift.abs(y * g)
            }
            return (value, magnitude)
        }
        let center = try objective(inputs)
        for (i, gradient) in analytic.enumerated() {
            guard let gradient else { continue }
            guard gradient.count == inputs[i].count else {
                return Mismatch(input: i, element: -1, detail: "gradient of \(gradient.count) elements for \(inputs[i].count)")
            }
            let h = steps[i]
            var moved = inputs
            for j in inputs[i].indices {
                moved[i][j] = inputs[i][j] + h
                let plus = try objective(moved).value
                moved[i][j] = inputs[i][j] - h
                let minus = try objective(moved).value
                moved[i][j] = inputs[i][j]
                let a = gradient[j]
                let bound = absolute + relative * Swift.abs(a) + rounding * center.magnitude / h
                let central = (plus - minus) / (2 * h)
                if Swift.abs(central - a) <= bound { continue }
                if oneSidedAtKinks {
                    let left = (center.value - minus) / h, right = (plus - center.value) / h
                    let kinked = !(Swift.abs(left - right) <= 2 * bound)
                    if kinked && Swift.min(Swift.abs(left - a), Swift.abs(right - a)) <= 2 * bound { continue }
                    return Mismatch(input: i, element: j,
                                    detail: "analytic \(a), central \(central), one-sided \(left) / \(right)")
                }
                return Mismatch(input: i, element: j, detail: "analytic \(a), numeric \(central)")
            }
        }
        return nil
    }
}

/// A forward whose output count changed between calls: the check cannot compare such objectives.
public enum GradCheckError: Error, CustomStringConvertible {
    case outputCount(Int, Int)

    public var description: String {
        switch self {
        case .outputCount(let got, let expected): return "forward gave \(got) values, the weights have \(expected)"
        }
    }
}
