import CkptTestSupport
import Testing
@testable import CkptTensor

/// `Tensor.pad` against PyTorch through autograd.
@Suite struct PadTensorTests {
    @Test(arguments: PadGoldenTests.cases) func pad(_ name: String) throws {
        let f = try GoldenFile("conv_ops/pad")
        let a = try f.args(name)
        let x = try #require(try f.tensor(name, "x", requiresGrad: true))
        let modeName = try #require(a["mode"] as? String)
        let out = try x.pad(try #require(a.optionalInts("pad")), mode: try #require(PadMode(rawValue: modeName)),
                            value: Float(a["value"] as? Double ?? 0))
        try f.checkTensorOp(name, out: out, leaves: [("gx", x)])
    }

    @Test func nonConstantModesNeedBatchOrChannelDims() {
        #expect(throws: TensorError.self) { try Tensor.ones([4]).pad([1, 1], mode: .reflect) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 1, 1, 4]).pad([1, 1], mode: .replicate) }
        #expect(throws: TensorError.self) { try Tensor.ones([2, 3]).pad([1, 1, 1], mode: .constant) }
    }
}
