import CkptTestSupport
import Testing
@testable import CkptTensor

/// Finite-difference checks (Double) of the padding gradients, every mode, 1-3 dims.
@Suite struct PadGradientTests {
    @Test(arguments: PadMode.allCases) func pad(mode: PadMode) throws {
        let cases: [([Int], [Int])] = [([2, 4], [2, 1]), ([1, 3, 4], [1, 2, 2, 0]), ([1, 3, 3, 4], [1, 1, 0, 2, 2, 1])]
        var rng = CheckRandom(21)
        for (shape, p) in cases {
            let g = try PadGeometry(shape: shape, pad: p, mode: mode)
            try GradCheck.float64.expect("pad \(mode) \(shape)", inputs: [rng.values(g.inputCount)], forward: { xs in
                withOutput(g.outputCount) { o in PadKernel.forward(g, value: 0.25, input: xs[0], output: o) }
            }, backward: { _, gy in
                [withOutput(g.inputCount) { o in PadKernel.backward(g, gradOutput: gy, gradInput: o) }]
            })
        }
    }
}
