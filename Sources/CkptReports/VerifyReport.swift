/// What `ckpt verify` found (CLI.md's JSON): the load, each output checked for finiteness and, against an expected
/// tensor, with allclose (`|out - expected| <= atol + rtol * |expected|` everywhere), and the gradients after
/// backward. Built from plain values, so the checks do not depend on the engine.
public struct VerifyReport: Encodable, Sendable, Equatable {
    /// One output of the forward pass.
    public struct Output: Encodable, Sendable, Equatable {
        public var shape: [Int]
        public var finite: Bool
        /// Largest |out - expected| (infinity when either side has a NaN there); nil without an expected tensor
        /// of the same shape.
        public var maxAbsDiff: Double?
        /// Whether it matched the expected output (false for another shape); true without one. Text only.
        public var matches: Bool

        enum CodingKeys: String, CodingKey { case shape, finite, maxAbsDiff = "max_abs_diff" }

        /// Checks `values` (row-major, of `shape`) and compares them with `expected` when given.
        public init(shape: [Int], values: [Float], expected: (shape: [Int], values: [Float])?, atol: Double, rtol: Double) {
            self.shape = shape
            finite = values.allSatisfy(\.isFinite)
            maxAbsDiff = nil
            matches = true
            guard let expected else { return }
            guard expected.shape == shape else { matches = false; return }
            let (diff, close) = Self.allclose(values, expected.values, atol: atol, rtol: rtol)
            maxAbsDiff = diff
            matches = close
        }

        /// The largest absolute difference and whether every element is within `atol + rtol * |b|` (`torch.allclose`
        /// with `equal_nan=False`: a NaN on either side is never close and makes the largest difference infinite).
        public static func allclose(_ a: [Float], _ b: [Float], atol: Double, rtol: Double) -> (maxAbsDiff: Double, close: Bool) {
            var maxDiff = 0.0, close = true
            for (x, y) in zip(a, b) {
                let d = abs(Double(x) - Double(y))
                if d.isNaN || d > maxDiff { maxDiff = d.isNaN ? .infinity : d }
                if !(d <= atol + rtol * abs(Double(y))) { close = false }
            }
            return (maxDiff, close)
        }
    }

    /// Gradients after backward from the sum of the outputs.
    public struct Gradients: Encodable, Sendable, Equatable {
        /// Every gradient is finite.
        public var finite: Bool
        /// Parameters that got no gradient, in registration order.
        public var missing: [String]

        /// Checks each named parameter's gradient values (nil: no gradient).
        public init(parameters: [(name: String, gradient: [Float]?)]) {
            missing = parameters.filter { $0.gradient == nil }.map(\.name)
            finite = parameters.allSatisfy { $0.gradient?.allSatisfy(\.isFinite) ?? true }
        }

        public var ok: Bool { finite && missing.isEmpty }
    }

    /// Everything loaded, every output is finite and matches, every parameter got a finite gradient.
    public var ok: Bool
    public var load: LoadIntoReport
    public var outputs: [Output]
    public var gradients: Gradients?
    /// The comparison with another checkpoint's outputs (`--against`).
    public var against: AgainstReport?
    /// The tolerances the outputs were compared with (text only).
    public var atol: Double
    public var rtol: Double

    enum CodingKeys: String, CodingKey { case ok, load, outputs, gradients, against }

    /// A report on `load` with no outputs yet.
    public init(load: LoadIntoReport, atol: Double, rtol: Double) {
        self.load = load
        ok = load.ok
        outputs = []
        gradients = nil
        against = nil
        self.atol = atol
        self.rtol = rtol
    }

    /// Adds an output; a non-finite or mismatching one fails the report.
    public mutating func add(_ output: Output) {
        outputs.append(output)
        ok = ok && output.finite && output.matches
    }

    /// Sets the comparison with another checkpoint; one beyond its threshold fails the report.
    public mutating func set(_ against: AgainstReport) {
        self.against = against
        ok = ok && against.ok && (against.load?.ok ?? true)
    }

    /// Sets the gradient check; missing or non-finite gradients fail the report.
    public mutating func set(_ gradients: Gradients) {
        self.gradients = gradients
        ok = ok && gradients.ok
    }
}
