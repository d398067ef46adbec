import CkptTestSupport
import Testing
@testable import CkptTensor

/// The recorded conv ops (`Tensor.conv*d`, `convTranspose*d`) against PyTorch through autograd.
@Suite struct ConvTensorTests {
    @Test(arguments: ConvGoldenTests.convCases + ConvGoldenTests.transposeCases)
    func convolution(_ name: String) throws {
        let f = try GoldenFile("conv_ops/conv")
        let a = try f.args(name)
        let x = try #require(try f.tensor(name, "x", requiresGrad: true))
        let w = try #require(try f.tensor(name, "w", requiresGrad: true))
        let b = try f.tensor(name, "b", requiresGrad: true)
        let dims = try #require(a["dims"] as? Int)
        let ones = [1], stride = a.optionalInts("stride") ?? ones, dilation = a.optionalInts("dilation") ?? ones
        let groups = a["groups"] as? Int ?? 1
        let out: Tensor
        if a["op"] as? String == "conv_transpose" {
            let padding = a.optionalInts("padding") ?? [0], outputPadding = a.optionalInts("output_padding") ?? [0]
            switch dims {
            case 1: out = try x.convTranspose1d(weight: w, bias: b, stride: stride, padding: padding,
                                                outputPadding: outputPadding, groups: groups, dilation: dilation)
            case 2: out = try x.convTranspose2d(weight: w, bias: b, stride: stride, padding: padding,
                                                outputPadding: outputPadding, groups: groups, dilation: dilation)
            default: out = try x.convTranspose3d(weight: w, bias: b, stride: stride, padding: padding,
                                                 outputPadding: outputPadding, groups: groups, dilation: dilation)
            }
        } else {
            let padding: ConvPadding
            switch a["padding"] {
            case let p as [Int]: padding = .explicit(p)
            case let s as String: padding = s == "same" ? .same : .valid
            default: padding = .valid
            }
            switch dims {
            case 1: out = try x.conv1d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
            case 2: out = try x.conv2d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
            default: out = try x.conv3d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
            }
        }
        #expect(out.gradFn?.nextFunctions.map { $0.0?.name } == ["AccumulateGrad", "AccumulateGrad", b == nil ? nil : "AccumulateGrad"])
        try f.checkTensorOp(name, out: out, leaves: [("gx", x), ("gw", w), ("gb", b)], tolerance: 1e-4)
    }

    @Test func unbatchedInputAndErrors() throws {
        let x = Tensor.ones([2, 5, 5]), w = Tensor.ones([3, 2, 3, 3])
        let y = try x.conv2d(weight: w, padding: .explicit([1]))
        #expect(y.shape == [3, 5, 5])
        #expect(y.scalars[0] == 8 && y.scalars[6] == 18)
        #expect(throws: TensorError.self) { try Tensor.ones([1, 3, 5, 5]).conv2d(weight: w) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor.ones([3, 2, 3])) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: w, bias: Tensor.ones([2])) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 2, 2, 2]).conv2d(weight: w) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: w, stride: [1, 1, 1]) }
    }
}
