import CkptTestSupport
import Testing
@testable import CkptTensor

/// Finite-difference checks (Double) of the convolution gradients.
@Suite struct ConvGradientTests {
    static func check(_ g: ConvGeometry, bias: Bool, seed: UInt64) throws {
        var rng = CheckRandom(seed)
        let inputs = [rng.values(g.inputCount), rng.values(g.weightCount), bias ? rng.values(g.outChannels) : []]
        try GradCheck.float64.expect("conv \(g.inputSize) k\(g.kernelSize) groups \(g.groups)", inputs: inputs, forward: { xs in
            withOutput(g.outputCount) { o in ConvKernel.forward(g, input: xs[0], weight: xs[1], bias: bias ? xs[2] : nil, output: o) }
        }, backward: { xs, gy in
            let r: [[Double]] = withOutputs([g.inputCount, g.weightCount, g.outChannels]) { o in
                ConvKernel.backward(g, input: xs[0], weight: xs[1], gradOutput: gy, gradInput: o[0],
                                    gradWeight: o[1], gradBias: bias ? o[2] : nil)
            }
            return [r[0], r[1], bias ? r[2] : nil]
        })
    }

    @Test func conv1dStrided() throws {
        try Self.check(try ConvGeometry(batch: 2, inChannels: 2, outChannels: 3, inputSize: [7], kernelSize: [3],
                                        stride: [2], padding: .explicit([1])), bias: true, seed: 1)
    }

    @Test func conv2dGroupsDilationPadding() throws {
        try Self.check(try ConvGeometry(batch: 2, inChannels: 4, outChannels: 2, groups: 2, inputSize: [5, 6],
                                        kernelSize: [2, 3], stride: [1, 2], padding: .explicit([1, 2]),
                                        dilation: [2, 1]), bias: true, seed: 2)
    }

    @Test func conv2dSameEvenKernel() throws {
        try Self.check(try ConvGeometry(batch: 1, inChannels: 2, outChannels: 2, inputSize: [4, 5],
                                        kernelSize: [2, 4], padding: .same), bias: false, seed: 3)
    }

    @Test func conv2dPointwise() throws {
        try Self.check(try ConvGeometry(batch: 2, inChannels: 3, outChannels: 2, inputSize: [3, 3],
                                        kernelSize: [1, 1]), bias: true, seed: 4)
    }

    @Test func conv3d() throws {
        try Self.check(try ConvGeometry(batch: 1, inChannels: 2, outChannels: 2, inputSize: [3, 4, 3],
                                        kernelSize: [2, 3, 2], stride: [1, 2, 1], padding: .explicit([1, 1, 0])),
                       bias: true, seed: 5)
    }

    @Test func convTranspose2d() throws {
        let g = try ConvGeometry.transposed(batch: 2, inChannels: 4, outChannels: 2, groups: 2, inputSize: [3, 2],
                                            kernelSize: [3, 2], stride: [2, 3], padding: [1, 0],
                                            outputPadding: [1, 2], dilation: [1, 2])
        var rng = CheckRandom(6)
        let inputs = [rng.values(g.outputCount), rng.values(g.weightCount), rng.values(g.inChannels)]
        try GradCheck.float64.expect("conv_transpose2d", inputs: inputs, forward: { xs in
            withOutput(g.inputCount) { o in ConvTransposeKernel.forward(g, input: xs[0], weight: xs[1], bias: xs[2], output: o) }
        }, backward: { xs, gy in
            withOutputs([g.outputCount, g.weightCount, g.inChannels]) { o in
                ConvTransposeKernel.backward(g, input: xs[0], weight: xs[1], gradOutput: gy, gradInput: o[0],
                                             gradWeight: o[1], gradBias: o[2])
            }
        })
    }
}
