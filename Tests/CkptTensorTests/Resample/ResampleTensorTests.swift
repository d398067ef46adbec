import CkptTestSupport
import Testing
@testable import CkptTensor

/// `pixelShuffle`, `pixelUnshuffle` and `interpolate` against PyTorch through autograd.
@Suite struct ResampleTensorTests {
    @Test(arguments: ResampleGoldenTests.interpolateCases + ["pixel_shuffle_catalogue", "pixel_unshuffle", "area2d_size"])
    func resample(_ name: String) throws {
        let f = try GoldenFile("conv_ops/resample")
        let a = try f.args(name)
        let x = try #require(try f.tensor(name, "x", requiresGrad: true))
        let out: Tensor
        switch a["op"] as? String {
        case "pixel_shuffle": out = try x.pixelShuffle(try #require(a["factor"] as? Int))
        case "pixel_unshuffle": out = try x.pixelUnshuffle(try #require(a["factor"] as? Int))
        default:
            let modeName = try #require(a["mode"] as? String)
            let mode = modeName == "area" ? .area : modeName == "nearest" ? .nearest
                : modeName == "nearest-exact" ? .nearestExact : InterpolateMode.linear
            out = try x.interpolate(size: a.optionalInts("size"), scaleFactor: a["scale_factor"] as? [Double], mode: mode,
                                    alignCorners: a["align_corners"] as? Bool)
        }
        try f.checkTensorOp(name, out: out, leaves: [("gx", x)])
    }

    @Test func badArgumentsThrow() {
        #expect(throws: TensorError.self) { try Tensor.ones([1, 6, 2, 2]).pixelShuffle(2) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 1, 3, 4]).pixelUnshuffle(2) }
        #expect(throws: TensorError.self) { try Tensor.ones([2, 3]).interpolate(size: [4]) }
        #expect(throws: TensorError.self) { try Tensor.ones([1, 1, 2, 2]).interpolate(size: [4, 4], scaleFactor: [2]) }
    }
}
