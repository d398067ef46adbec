import CkptTestSupport
import Testing
@testable import CkptTensor

/// Finite-difference checks (Double) of the pooling gradients.
@Suite struct PoolGradientTests {
    @Test(arguments: [false, true]) func maxPool2d(ceil: Bool) throws {
        let g = try PoolGeometry(planes: 2, inputSize: [5, 6], kernelSize: [3, 2], stride: [2, 2], padding: [1, 1],
                                 dilation: [1, 2], ceilMode: ceil)
        var rng = CheckRandom(11)
        try GradCheck.float64.expect("max_pool2d", inputs: [rng.values(g.inputCount)], forward: { xs in
            var idx = [Int](repeating: 0, count: g.outputCount)
            return withOutput(g.outputCount) { o in MaxPoolKernel.forward(g, input: xs[0], output: o, indices: &idx) }
        }, backward: { xs, gy in
            var idx = [Int](repeating: 0, count: g.outputCount)
            _ = withOutputs([g.outputCount]) { o in MaxPoolKernel.forward(g, input: xs[0], output: o[0], indices: &idx) }
            return [withOutput(g.inputCount) { o in MaxPoolKernel.backward(g, gradOutput: gy, indices: idx, gradInput: o) }]
        })
    }

    @Test func maxPool3dAndUnpool() throws {
        // Non-overlapping windows: with duplicate indices unpooling keeps one value but its gradient (a gather,
        // as in PyTorch) reaches both.
        let g = try PoolGeometry(planes: 1, inputSize: [4, 3, 4], kernelSize: [2, 2, 2])
        var rng = CheckRandom(12)
        let x = rng.values(g.inputCount)
        var idx = [Int](repeating: 0, count: g.outputCount)
        _ = withOutputs([g.outputCount]) { (o: [UnsafeMutablePointer<Double>]) in
            MaxPoolKernel.forward(g, input: x, output: o[0], indices: &idx)
        }
        try GradCheck.float64.expect("max_unpool3d", inputs: [rng.values(g.outputCount)], forward: { xs in
            try withOutput(g.inputCount) { o in
                try MaxPoolKernel.unpool(planes: 1, inputPlane: g.outputCount, outputPlane: g.inputCount, input: xs[0],
                                         indices: idx, output: o)
            }
        }, backward: { _, gy in
            [withOutput(g.outputCount) { o in
                MaxPoolKernel.unpoolBackward(planes: 1, inputPlane: g.outputCount, outputPlane: g.inputCount,
                                             gradOutput: gy, indices: idx, gradInput: o)
            }]
        })
    }

    @Test(arguments: [(true, nil), (false, nil), (true, 3)] as [(Bool, Int?)])
    func avgPool(include: Bool, divisor: Int?) throws {
        let g = try PoolGeometry(planes: 2, inputSize: [3, 5, 4], kernelSize: [2, 3, 2], stride: [1, 2, 2],
                                 padding: [1, 1, 0], ceilMode: true)
        let options = AvgPoolKernel.Options(countIncludePad: include, divisorOverride: divisor)
        var rng = CheckRandom(13)
        try GradCheck.float64.expect("avg_pool3d", inputs: [rng.values(g.inputCount)], forward: { xs in
            withOutput(g.outputCount) { o in AvgPoolKernel.forward(g, options, input: xs[0], output: o) }
        }, backward: { _, gy in
            [withOutput(g.inputCount) { o in AvgPoolKernel.backward(g, options, gradOutput: gy, gradInput: o) }]
        })
    }

    @Test func adaptivePools() throws {
        var rng = CheckRandom(14)
        let inSize = [5, 7], outSize = [3, 4]
        try GradCheck.float64.expect("adaptive_avg_pool2d", inputs: [rng.values(2 * 35)], forward: { xs in
            try withOutput(24) { o in
                try AdaptivePoolKernel.avgForward(planes: 2, inputSize: inSize, outputSize: outSize, input: xs[0], output: o)
            }
        }, backward: { _, gy in
            [try withOutput(70) { o in
                try AdaptivePoolKernel.avgBackward(planes: 2, inputSize: inSize, outputSize: outSize, gradOutput: gy,
                                                   gradInput: o)
            }]
        })
        func maxPool(_ x: [Double]) throws -> ([Double], [Int]) {
            var idx = [Int](repeating: 0, count: 24)
            let out = try withOutput(24) { o in
                try AdaptivePoolKernel.maxForward(planes: 2, inputSize: inSize, outputSize: outSize, input: x,
                                                  output: o, indices: &idx)
            }
            return (out, idx)
        }
        try GradCheck.float64.expect("adaptive_max_pool2d", inputs: [rng.values(70)], forward: { xs in try maxPool(xs[0]).0 },
                      backward: { xs, gy in
            let idx = try maxPool(xs[0]).1
            return [withOutput(70) { o in
                AdaptivePoolKernel.maxBackward(planes: 2, inputSize: inSize, outputSize: outSize, gradOutput: gy,
                                               indices: idx, gradInput: o)
            }]
        })
    }
}
