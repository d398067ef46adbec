import CkptTestSupport
import Testing
@testable import CkptTensor

/// The recorded pooling ops against PyTorch through autograd, names included.
@Suite struct PoolTensorTests {
    @Test(arguments: PoolGoldenTests.maxCases + PoolGoldenTests.avgCases + PoolGoldenTests.adaptiveCases)
    func pool(_ name: String) throws {
        let f = try GoldenFile("conv_ops/pool")
        let a = try f.args(name)
        let x = try #require(try f.tensor(name, "x", requiresGrad: true))
        let dims = try #require(a["dims"] as? Int)
        let kernel = a.optionalInts("kernel") ?? [], stride = a.optionalInts("stride"), padding = a.optionalInts("padding") ?? [0]
        let ceil = a["ceil_mode"] as? Bool ?? false
        var indices: Tensor?
        let out: Tensor
        switch a["op"] as? String {
        case "max_pool":
            let dilation = a.optionalInts("dilation") ?? [1]
            let r: (output: Tensor, indices: Tensor)
            switch dims {
            case 1: r = try x.maxPool1dWithIndices(kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceil)
            case 2: r = try x.maxPool2dWithIndices(kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceil)
            default: r = try x.maxPool3dWithIndices(kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceil)
            }
            (out, indices) = r
        case "avg_pool":
            let include = a["count_include_pad"] as? Bool ?? true, divisor = a["divisor_override"] as? Int
            switch dims {
            case 1: out = try x.avgPool1d(kernelSize: kernel, stride: stride, padding: padding, ceilMode: ceil, countIncludePad: include)
            case 2: out = try x.avgPool2d(kernelSize: kernel, stride: stride, padding: padding, ceilMode: ceil,
                                          countIncludePad: include, divisorOverride: divisor)
            default: out = try x.avgPool3d(kernelSize: kernel, stride: stride, padding: padding, ceilMode: ceil,
                                           countIncludePad: include, divisorOverride: divisor)
            }
        case "adaptive_max_pool":
            (out, indices) = try x.adaptiveMaxPool2dWithIndices(outputSize: try #require(a.optionalInts("output_size")))
        default:
            out = try x.adaptiveAvgPool2d(outputSize: try #require(a.optionalInts("output_size")))
        }
        if let indices {
            #expect(indices.dtype == .int64)
            #expect(indices.indices == (try f.ints(name, "indices")))
        }
        try f.checkTensorOp(name, out: out, leaves: [("gx", x)])
    }

    @Test func oneDimensionalPoolsShowPyTorchsChain() throws {
        let x = Tensor.ones([2, 3, 8], requiresGrad: true)
        let y = try x.maxPool1d(kernelSize: [2])
        #expect(y.shape == [2, 3, 4])
        #expect(y.gradFn?.name == "SqueezeBackward1")
        let pool = y.gradFn?.nextFunctions.first?.0
        #expect(pool?.name == "MaxPool2DWithIndicesBackward0")
        #expect(pool?.nextFunctions.first?.0?.name == "UnsqueezeBackward0")
        #expect(try x.avgPool1d(kernelSize: [2]).gradFn?.nextFunctions.first?.0?.name == "AvgPool2DBackward0")
        #expect(try Tensor.ones([1, 2, 4, 4], requiresGrad: true).adaptiveAvgPool2d(outputSize: [1]).gradFn?.name == "MeanBackward1")
    }

    @Test func maxUnpoolCatalogue() throws {
        let f = try GoldenFile("conv_ops/pool"), name = "max_unpool2d_catalogue"
        let x = try #require(try f.tensor(name, "x"))
        let (pooled, indices) = try x.maxPool2dWithIndices(kernelSize: [2], stride: [2])
        let p = Tensor(buffer: pooled.buffer, shape: pooled.shape, requiresGrad: true)
        let out = try p.maxUnpool2d(indices: indices, kernelSize: [2], stride: [2])
        #expect(out.scalars == [0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16])
        try f.checkTensorOp(name, out: out, leaves: [("gx", p)])
        let bad = try Tensor(indices: [0, 1, 2, 99], shape: [1, 1, 2, 2])
        #expect(throws: TensorError.self) { try p.maxUnpool2d(indices: bad, kernelSize: [2]) }
    }
}
