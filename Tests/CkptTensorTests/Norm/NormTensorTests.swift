import CkptTestSupport
import Testing
@testable import CkptTensor

/// `batchNorm`, `layerNorm` and `groupNorm` against PyTorch through autograd, running stats included.
@Suite struct NormTensorTests {
    /// Case `name`'s golden file, arguments, input and affine weight and bias (absent when not affine), requiring grad.
    static func inputs(_ name: String) throws -> (GoldenFile, GoldenArgs, Tensor, Tensor?, Tensor?) {
        let f = try GoldenFile("conv_ops/norm")
        let x = try #require(try f.tensor(name, "x", requiresGrad: true))
        return (f, try f.args(name), x, try f.tensor(name, "w", requiresGrad: true), try f.tensor(name, "b", requiresGrad: true))
    }

    @Test(arguments: NormGoldenTests.batchCases) func batchNorm(_ name: String) throws {
        let (f, a, x, w, b) = try Self.inputs(name)
        let rm = try f.tensor(name, "running_mean"), rv = try f.tensor(name, "running_var")
        let out = try x.batchNorm(runningMean: rm, runningVar: rv, weight: w, bias: b,
                                  training: try #require(a["training"] as? Bool),
                                  momentum: try #require(a["momentum"] as? Double), eps: try #require(a["eps"] as? Double))
        expectClose(try #require(rm).scalars, try f.floats(name, "running_mean_after"), "\(name) running_mean")
        expectClose(try #require(rv).scalars, try f.floats(name, "running_var_after"), "\(name) running_var")
        #expect(out.gradFn?.nextFunctions.map { $0.0?.name } == ["AccumulateGrad"] + (w == nil ? [nil, nil] : ["AccumulateGrad", "AccumulateGrad"]))
        try f.checkTensorOp(name, out: out, leaves: [("gx", x), ("gw", w), ("gb", b)])
    }

    @Test(arguments: NormGoldenTests.layerCases + NormGoldenTests.groupCases) func rowNorm(_ name: String) throws {
        let (f, a, x, w, b) = try Self.inputs(name)
        let eps = try #require(a["eps"] as? Double)
        let out = a["op"] as? String == "layer_norm"
            ? try x.layerNorm(normalizedShape: try #require(a.optionalInts("normalized_shape")), weight: w, bias: b, eps: eps)
            : try x.groupNorm(numGroups: try #require(a["groups"] as? Int), weight: w, bias: b, eps: eps)
        try f.checkTensorOp(name, out: out, leaves: [("gx", x), ("gw", w), ("gb", b)])
    }

    @Test(arguments: NormGoldenTests.instanceCases) func instanceNorm(_ name: String) throws {
        let (f, a, x, w, b) = try Self.inputs(name)
        let rm = try f.tensor(name, "running_mean"), rv = try f.tensor(name, "running_var")
        let out = try x.instanceNorm(runningMean: rm, runningVar: rv, weight: w, bias: b,
                                     useInputStats: try #require(a["use_input_stats"] as? Bool),
                                     momentum: try #require(a["momentum"] as? Double),
                                     eps: try #require(a["eps"] as? Double))
        if let rm, let rv {
            expectClose(rm.scalars, try f.floats(name, "running_mean_after"), "\(name) running_mean")
            expectClose(rv.scalars, try f.floats(name, "running_var_after"), "\(name) running_var")
        }
        let bn = out.gradFn?.nextFunctions.first?.0
        #expect(bn?.name == "NativeBatchNormBackward0")
        #expect(bn?.nextFunctions.map { $0.0?.name } == ["ViewBackward0"] + (w == nil ? [nil, nil] : ["RepeatBackward0", "RepeatBackward0"]))
        try f.checkTensorOp(name, out: out, leaves: [("gx", x), ("gw", w), ("gb", b)])
    }

    @Test func badArgumentsThrow() {
        let x = Tensor.ones([2, 3, 4])
        #expect(throws: TensorError.self) { try x.batchNorm(runningMean: Tensor.zeros([2]), runningVar: nil, training: true) }
        #expect(throws: TensorError.self) { try x.batchNorm(runningMean: nil, runningVar: nil, training: false) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 3]).batchNorm(runningMean: nil, runningVar: nil, training: true) }
        #expect(throws: TensorError.self) { try x.layerNorm(normalizedShape: [3]) }
        #expect(throws: TensorError.self) { try x.groupNorm(numGroups: 2) }
        #expect(throws: TensorError.self) { try x.groupNorm(numGroups: 0) }
    }
}
