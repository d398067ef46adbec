import CkptTestSupport
import Testing
@testable import CkptTensor

/// Finite-difference checks (Double) of pixel shuffle and interpolate.
@Suite struct ResampleGradientTests {
    @Test func pixelShuffle() throws {
        var rng = CheckRandom(31)
        try GradCheck.float64.expect("pixel_shuffle", inputs: [rng.values(2 * 8 * 3 * 2)], forward: { xs in
            withOutput(96) { o in PixelShuffleKernel.shuffle(groups: 4, factor: 2, height: 3, width: 2, input: xs[0], output: o) }
        }, backward: { _, gy in
            [withOutput(96) { o in PixelShuffleKernel.unshuffle(groups: 4, factor: 2, height: 3, width: 2, input: gy, output: o) }]
        })
    }

    @Test(arguments: [(InterpolateMode.nearest, nil), (.nearestExact, nil), (.linear, false), (.linear, true)] as [(InterpolateMode, Bool?)])
    func interpolate(mode: InterpolateMode, align: Bool?) throws {
        var rng = CheckRandom(32)
        let geometries = [
            try InterpolateGeometry(planes: 2, inputSize: [4], size: [7], mode: mode, alignCorners: align),
            try InterpolateGeometry(planes: 1, inputSize: [3, 4], scaleFactor: [1.5, 0.75], mode: mode, alignCorners: align),
            try InterpolateGeometry(planes: 1, inputSize: [2, 3, 2], size: [3, 2, 4], mode: mode, alignCorners: align),
        ]
        for g in geometries {
            try GradCheck.float64.expect("interpolate \(mode) \(g.inputSize)", inputs: [rng.values(g.inputCount)], forward: { xs in
                withOutput(g.outputCount) { o in InterpolateKernel.forward(g, input: xs[0], output: o) }
            }, backward: { _, gy in
                [withOutput(g.inputCount) { o in InterpolateKernel.backward(g, gradOutput: gy, gradInput: o) }]
            })
        }
    }
}
