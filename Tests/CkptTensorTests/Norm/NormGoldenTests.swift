import CkptTestSupport
import Testing
@testable import CkptTensor

/// Batch, layer and group normalisation against PyTorch (outputs, running statistics, gradients).
@Suite struct NormGoldenTests {
    static let batchCases = ["batch_norm1d_catalogue", "batch_norm1d_catalogue_no_affine", "batch_norm2d_catalogue",
                             "batch_norm2d_catalogue_no_affine", "batch_norm1d_3d_input", "batch_norm2d_eval",
                             "batch_norm2d_eval_no_affine"]
    static let layerCases = ["layer_norm_last", "layer_norm_two_dims", "layer_norm_no_affine"]
    static let groupCases = ["group_norm2d", "group_norm_no_spatial", "group_norm_no_affine"]
    /// Checked at the Tensor level only (`NormTensorTests`): instance norm is a composed op.
    static let instanceCases = ["instance_norm2d", "instance_norm2d_affine_tracked", "instance_norm1d_eval_tracked"]

    @Test func fixtureHoldsExactlyTheseCases() throws {
        #expect(Set(try GoldenFile("conv_ops/norm").caseNames) == Set(Self.batchCases + Self.layerCases + Self.groupCases + Self.instanceCases))
    }

    @Test(arguments: batchCases) func batchNorm(_ name: String) throws {
        let f = try GoldenFile("conv_ops/norm")
        let a = try f.args(name), xs = try f.shape(name, "x")
        let shape = BatchNormKernel.Shape(batch: xs[0], channels: xs[1], spatial: xs.dropFirst(2).reduce(1, *))
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        let affine = try #require(a["affine"] as? Bool), training = try #require(a["training"] as? Bool)
        let w = affine ? try f.floats(name, "w") : nil, b = affine ? try f.floats(name, "b") : nil
        var rm = try f.floats(name, "running_mean"), rv = try f.floats(name, "running_var")
        let eps = try #require(a["eps"] as? Double), momentum = try #require(a["momentum"] as? Double)
        var mean = [Float](repeating: .nan, count: shape.channels), invstd = mean
        let out: [Float] = try withOutput(shape.count) { o in
            if training {
                try BatchNormKernel.forwardTraining(shape, input: x, weight: w, bias: b, eps: eps, momentum: momentum,
                                                    runningMean: &rm, runningVar: &rv, output: o,
                                                    saveMean: &mean, saveInvstd: &invstd)
            } else {
                BatchNormKernel.forwardInference(shape, input: x, weight: w, bias: b, eps: eps, runningMean: rm,
                                                 runningVar: rv, output: o, saveMean: &mean, saveInvstd: &invstd)
            }
        }
        expectClose(out, try f.floats(name, "out"), tolerance: 1e-5, "\(name) out")
        expectClose(rm, try f.floats(name, "running_mean_after"), "\(name) running_mean")
        expectClose(rv, try f.floats(name, "running_var_after"), "\(name) running_var")
        let grads: [[Float]] = withOutputs([shape.count, shape.channels, shape.channels]) { o in
            BatchNormKernel.backward(shape, training: training, input: x, gradOutput: g, weight: w, saveMean: mean,
                                     saveInvstd: invstd, gradInput: o[0], gradWeight: affine ? o[1] : nil,
                                     gradBias: affine ? o[2] : nil)
        }
        expectClose(grads[0], try f.floats(name, "gx"), tolerance: 1e-5, "\(name) gx")
        if affine {
            expectClose(grads[1], try f.floats(name, "gw"), tolerance: 1e-5, "\(name) gw")
            expectClose(grads[2], try f.floats(name, "gb"), tolerance: 1e-5, "\(name) gb")
        }
    }

    @Test func batchNormNeedsMoreThanOneValuePerChannel() {
        #expect(throws: KernelError.self) {
            var m = [Float](repeating: 0, count: 3), v = m, o = m
            try BatchNormKernel.forwardTraining(.init(batch: 1, channels: 3, spatial: 1), input: [1, 2, 3],
                                                weight: nil, bias: nil, eps: 1e-5, momentum: 0.1, runningMean: nil,
                                                runningVar: nil, output: &o, saveMean: &m, saveInvstd: &v)
        }
    }

    @Test(arguments: layerCases + groupCases) func rowNorm(_ name: String) throws {
        let f = try GoldenFile("conv_ops/norm")
        let a = try f.args(name), xs = try f.shape(name, "x")
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        let affine = try #require(a["affine"] as? Bool), eps = try #require(a["eps"] as? Double)
        let w = affine ? try f.floats(name, "w") : nil, b = affine ? try f.floats(name, "b") : nil
        let isLayer = a["op"] as? String == "layer_norm"
        let size = isLayer ? try #require(a.optionalInts("normalized_shape")).reduce(1, *) : 0
        let rows = isLayer ? x.count / size : xs[0] * (try #require(a["groups"] as? Int))
        let params = isLayer ? size : xs[1]
        var mean = [Float](repeating: .nan, count: rows), rstd = mean
        let out: [Float] = try withOutput(x.count) { o in
            if isLayer {
                LayerNormKernel.forward(rows: rows, size: size, input: x, weight: w, bias: b, eps: eps,
                                        output: o, mean: &mean, rstd: &rstd)
            } else {
                try GroupNormKernel.forward(batch: xs[0], channels: xs[1], spatial: xs.dropFirst(2).reduce(1, *),
                                            groups: try #require(a["groups"] as? Int), input: x, weight: w,
                                            bias: b, eps: eps, output: o, mean: &mean, rstd: &rstd)
            }
        }
        expectClose(out, try f.floats(name, "out"), "\(name) out")
        let grads: [[Float]] = try withOutputs([x.count, params, params]) { o in
            if isLayer {
                LayerNormKernel.backward(rows: rows, size: size, input: x, gradOutput: g, weight: w, mean: mean,
                                         rstd: rstd, gradInput: o[0], gradWeight: o[1], gradBias: o[2])
            } else {
                try GroupNormKernel.backward(batch: xs[0], channels: xs[1], spatial: xs.dropFirst(2).reduce(1, *),
                                             groups: try #require(a["groups"] as? Int), input: x, gradOutput: g,
                                             weight: w, mean: mean, rstd: rstd, gradInput: o[0], gradWeight: o[1],
                                             gradBias: o[2])
            }
        }
        expectClose(grads[0], try f.floats(name, "gx"), "\(name) gx")
        if affine {
            expectClose(grads[1], try f.floats(name, "gw"), "\(name) gw")
            expectClose(grads[2], try f.floats(name, "gb"), "\(name) gb")
        }
    }

    @Test func groupNormRejectsIndivisibleChannels() {
        #expect(throws: KernelError.self) {
            let x = [Float](repeating: 0, count: 6)
            var o = x, m = [Float](repeating: 0, count: 4), r = m
            try GroupNormKernel.forward(batch: 1, channels: 6, spatial: 1, groups: 4, input: x, weight: nil, bias: nil,
                                        eps: 1e-5, output: &o, mean: &m, rstd: &r)
        }
    }
}
