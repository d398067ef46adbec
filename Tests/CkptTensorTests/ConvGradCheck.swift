import Testing
@testable import CkptTensor

/// Deterministic pseudo-random Doubles in [-1, 1) (SplitMix64), so gradient checks need no fixtures.
struct CheckRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 52) - 1
    }
    mutating func values(_ n: Int, scale: Double = 1, offset: Double = 0) -> [Double] {
        (0..<n).map { _ in next() * scale + offset }
    }
}

/// Compares a kernel's analytic gradients with central differences of `L = Σ forward(inputs) · g` in Double.
/// `backward(inputs, g)` returns one gradient per input (nil to skip an input).
func gradCheck(_ what: String, inputs: [[Double]], seed: UInt64 = 99, step: Double = 1e-6,
               tolerance: Double = 1e-6, forward: ([[Double]]) throws -> [Double],
               backward: ([[Double]], [Double]) throws -> [[Double]?],
               sourceLocation: SourceLocation = #_sourceLocation) throws {
    var rng = CheckRandom(seed)
    let out = try forward(inputs)
    let g = rng.values(out.count)
    let analytic = try backward(inputs, g)
    #expect(analytic.count == inputs.count, "\(what): one gradient per input", sourceLocation: sourceLocation)
    func loss(_ xs: [[Double]]) throws -> Double { zip(try forward(xs), g).reduce(0) { $0 + $1.0 * $1.1 } }
    for (i, grad) in analytic.enumerated() {
        guard let grad else { continue }
        #expect(grad.count == inputs[i].count, "\(what): gradient \(i) size", sourceLocation: sourceLocation)
        var worst = 0.0, at = -1, numericAt = 0.0
        for j in 0..<inputs[i].count {
            var plus = inputs, minus = inputs
            plus[i][j] += step; minus[i][j] -= step
            let numeric = (try loss(plus) - (try loss(minus))) / (2 * step)
            let err = abs(numeric - grad[j]) / max(1, abs(numeric))
            if !(err <= worst) { worst = err; at = j; numericAt = numeric }
        }
        if worst > tolerance {
            Issue.record("\(what): input \(i) worst error \(worst) at \(at) (analytic \(grad[at]), numeric \(numericAt))",
                         sourceLocation: sourceLocation)
        }
    }
}
