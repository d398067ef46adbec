import CkptTestSupport
import Testing
@testable import CkptTensor

/// Finite-difference checks of every differentiable op, on the golden inputs (smooth cases only:
/// kinks such as relu at 0 or ties in max are covered by the PyTorch goldens instead).
@Suite struct OpGradCheckTests {
    /// Largest input (elements) checked: every element costs two forward passes.
    static let maxElements = 256

    @Test(arguments: OpGoldenTests.families)
    func analyticGradientsMatchFiniteDifferences(_ family: String) throws {
        var checked = 0
        for c in try OpGoldenCase.family(family) where c.smooth && c.g != nil {
            let inputs = try c.inputTensors()
            guard inputs.allSatisfy({ $0.numel <= Self.maxElements }), let g = try c.gTensor() else { continue }
            let op = try #require(OpTable.table[c.op])
            if let problem = try GradCheck.float32.mismatch(inputs, weights: g, { try op(inputs, c.args) }) {
                Issue.record("\(family) \(c.name) \(c.args): \(problem)")
            }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func detectsAWrongGradient() throws {
        // A deliberately wrong rule (d/dx x² = x) must be caught, or the checker proves nothing.
        let x = try Tensor([0.5, -1.2, 2.0], shape: [3], requiresGrad: true)
        #expect(try GradCheck.float32.mismatch([x], weights: Tensor.ones([3])) {
            Tensor.makeResult(buffer: x.mapKernel { $0 * $0 }, shape: x.shape, inputs: [x], name: .powBackward0) { g in [try g * x] }
        } != nil)
        #expect(try GradCheck.float32.mismatch([x], weights: Tensor.ones([3])) { try x * x } == nil)
    }
}
