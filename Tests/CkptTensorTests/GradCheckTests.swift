import Testing
@testable import CkptTensor

/// Finite-difference checks of every differentiable op, on the golden inputs (smooth cases only:
/// kinks such as relu at 0 or ties in max are covered by the PyTorch goldens instead).
@Suite struct GradCheckTests {
    @Test(arguments: GoldenTests.families)
    func analyticGradientsMatchFiniteDifferences(_ family: String) throws {
        let golden = try GoldenFamily.load(family)
        var checked = 0
        for (n, c) in golden.cases.enumerated() where c.smooth && c.g != nil {
            let inputs = try c.inputs.map { try $0.tensor() }
            guard inputs.allSatisfy({ $0.numel <= GradCheck.maxElements }), let g = try c.g?.tensor() else { continue }
            let op = try #require(GoldenOps.table[c.op])
            let args = GoldenArgs(values: c.args)
            if let problem = try GradCheck.mismatch(inputs: inputs, g: g, { try op($0, args) }) {
                Issue.record("\(family)[\(n)] \(c.op) \(c.args): \(problem)")
            }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func detectsAWrongGradient() throws {
        // A deliberately wrong rule (d/dx x² = x) must be caught, or the checker proves nothing.
        let x = try Tensor([0.5, -1.2, 2.0], shape: [3], requiresGrad: true)
        let wrong: ([Tensor]) throws -> Tensor = { xs in
            let a = xs[0]
            return Tensor.makeResult(buffer: a.mapKernel { $0 * $0 }, shape: a.shape, inputs: [a], name: .powBackward0) { g in [try g * a] }
        }
        #expect(try GradCheck.mismatch(inputs: [x], g: Tensor.ones([3]), wrong) != nil)
        #expect(try GradCheck.mismatch(inputs: [x], g: Tensor.ones([3]), { try $0[0] * $0[0] }) == nil)
    }
}
