import CkptTestSupport
import Testing
@testable import CkptTensor

/// Finite-difference checks (Double) of batch, layer and group norm gradients (input, weight, bias).
@Suite struct NormGradientTests {
    @Test(arguments: [true, false]) func batchNorm(training: Bool) throws {
        let s = BatchNormKernel.Shape(batch: 3, channels: 2, spatial: 4)
        var rng = CheckRandom(41)
        let runningMean = rng.values(2, scale: 0.2), runningVar = rng.values(2, scale: 0.2, offset: 1)
        func run(_ xs: [[Double]]) throws -> ([Double], [Double], [Double]) {
            var mean = [Double](repeating: 0, count: 2), invstd = mean
            let out = try withOutput(s.count) { o in
                if training {
                    try BatchNormKernel.forwardTraining(s, input: xs[0], weight: xs[1], bias: xs[2], eps: 1e-5,
                                                        momentum: 0.1, runningMean: nil, runningVar: nil, output: o,
                                                        saveMean: &mean, saveInvstd: &invstd)
                } else {
                    BatchNormKernel.forwardInference(s, input: xs[0], weight: xs[1], bias: xs[2], eps: 1e-5,
                                                     runningMean: runningMean, runningVar: runningVar, output: o,
                                                     saveMean: &mean, saveInvstd: &invstd)
                }
            }
            return (out, mean, invstd)
        }
        try GradCheck.float64.expect("batch_norm training=\(training)",
                      inputs: [rng.values(s.count, scale: 2), rng.values(2, offset: 1.5), rng.values(2)],
                      forward: { try run($0).0 }, backward: { xs, gy in
            let (_, mean, invstd) = try run(xs)
            return withOutputs([s.count, 2, 2]) { o in
                BatchNormKernel.backward(s, training: training, input: xs[0], gradOutput: gy, weight: xs[1],
                                         saveMean: mean, saveInvstd: invstd, gradInput: o[0], gradWeight: o[1],
                                         gradBias: o[2])
            }
        })
    }

    @Test func layerNorm() throws {
        var rng = CheckRandom(42)
        let rows = 3, size = 5
        func run(_ xs: [[Double]]) -> ([Double], [Double], [Double]) {
            var mean = [Double](repeating: 0, count: rows), rstd = mean
            let out = withOutput(rows * size) { o in
                LayerNormKernel.forward(rows: rows, size: size, input: xs[0], weight: xs[1], bias: xs[2], eps: 1e-5,
                                        output: o, mean: &mean, rstd: &rstd)
            }
            return (out, mean, rstd)
        }
        try GradCheck.float64.expect("layer_norm", inputs: [rng.values(rows * size, scale: 2), rng.values(size, offset: 1.5),
                                             rng.values(size)],
                      forward: { run($0).0 }, backward: { xs, gy in
            let (_, mean, rstd) = run(xs)
            return withOutputs([rows * size, size, size]) { o in
                LayerNormKernel.backward(rows: rows, size: size, input: xs[0], gradOutput: gy, weight: xs[1],
                                         mean: mean, rstd: rstd, gradInput: o[0], gradWeight: o[1], gradBias: o[2])
            }
        })
    }

    @Test func groupNorm() throws {
        var rng = CheckRandom(43)
        let (n, c, s, groups) = (2, 6, 3, 3)
        func run(_ xs: [[Double]]) throws -> ([Double], [Double], [Double]) {
            var mean = [Double](repeating: 0, count: n * groups), rstd = mean
            let out = try withOutput(n * c * s) { o in
                try GroupNormKernel.forward(batch: n, channels: c, spatial: s, groups: groups, input: xs[0],
                                            weight: xs[1], bias: xs[2], eps: 1e-5, output: o, mean: &mean, rstd: &rstd)
            }
            return (out, mean, rstd)
        }
        try GradCheck.float64.expect("group_norm", inputs: [rng.values(n * c * s, scale: 2), rng.values(c, offset: 1.5), rng.values(c)],
                      forward: { try run($0).0 }, backward: { xs, gy in
            let (_, mean, rstd) = try run(xs)
            return try withOutputs([n * c * s, c, c]) { o in
                try GroupNormKernel.backward(batch: n, channels: c, spatial: s, groups: groups, input: xs[0],
                                             gradOutput: gy, weight: xs[1], mean: mean, rstd: rstd, gradInput: o[0],
                                             gradWeight: o[1], gradBias: o[2])
            }
        })
    }
}
