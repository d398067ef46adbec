import CkptTestSupport
import Testing
@testable import CkptTensor

/// Pixel shuffle and interpolate against PyTorch.
@Suite struct ResampleGoldenTests {
    static let interpolateCases = ["upsample_bilinear_catalogue", "upsampling_bilinear2d_catalogue",
                                   "nearest2d_scale2", "nearest2d_size", "nearest2d_downsize",
                                   "nearest2d_scale_fraction", "nearest_exact2d_size", "bilinear2d_downsize",
                                   "bilinear2d_align_size", "bilinear2d_scale_fraction", "linear1d_scale",
                                   "trilinear3d_size", "nearest1d_size", "nearest3d_scale"]

    @Test func fixtureHoldsExactlyTheseCases() throws {
        let keys = Set(try GoldenFile("conv_ops/resample").caseNames)
        #expect(keys == Set(Self.interpolateCases + ["pixel_shuffle_catalogue", "pixel_unshuffle", "area2d_size"]))
    }

    /// `pixel_shuffle` (groups 1, factor 3, 4×4 → 12×12) and `pixel_unshuffle` (6 groups of 4 channels, factor 2,
    /// 4×6 → 2×3): each is the other's gradient.
    @Test(arguments: [("pixel_shuffle_catalogue", 1, 3, 4, 4, [1, 1, 12, 12], true), ("pixel_unshuffle", 6, 2, 2, 3, [2, 12, 2, 3], false)])
    func pixelShuffle(_ name: String, groups: Int, factor: Int, height: Int, width: Int, outShape: [Int], shuffles: Bool) throws {
        let f = try GoldenFile("conv_ops/resample")
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        #expect(try f.shape(name, "out") == outShape)
        func run(_ input: [Float], shuffle: Bool) -> [Float] {
            withOutput(input.count) { o in
                if shuffle {
                    PixelShuffleKernel.shuffle(groups: groups, factor: factor, height: height, width: width, input: input, output: o)
                } else {
                    PixelShuffleKernel.unshuffle(groups: groups, factor: factor, height: height, width: width, input: input, output: o)
                }
            }
        }
        #expect(run(x, shuffle: shuffles) == (try f.floats(name, "out")))
        #expect(run(g, shuffle: !shuffles) == (try f.floats(name, "gx")))
    }

    @Test(arguments: interpolateCases) func interpolate(_ name: String) throws {
        let f = try GoldenFile("conv_ops/resample")
        let a = try f.args(name), xs = try f.shape(name, "x")
        let modeName = try #require(a["mode"] as? String)
        let mode: InterpolateMode = modeName == "nearest" ? .nearest
            : modeName == "nearest-exact" ? .nearestExact : .linear
        let geo = try InterpolateGeometry(planes: xs[0] * xs[1], inputSize: Array(xs.dropFirst(2)),
                                          size: a.optionalInts("size"), scaleFactor: a["scale_factor"] as? [Double],
                                          mode: mode, alignCorners: a["align_corners"] as? Bool)
        #expect(geo.outputSize == Array(try f.shape(name, "out").dropFirst(2)))
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        let out: [Float] = withOutput(geo.outputCount) { o in InterpolateKernel.forward(geo, input: x, output: o) }
        expectClose(out, try f.floats(name, "out"), "\(name) out")
        let gx: [Float] = withOutput(geo.inputCount) { o in InterpolateKernel.backward(geo, gradOutput: g, gradInput: o) }
        expectClose(gx, try f.floats(name, "gx"), "\(name) gx")
    }

    @Test func invalidArgumentsThrow() {
        #expect(throws: KernelError.self) {
            try InterpolateGeometry(planes: 1, inputSize: [3, 3], size: [6, 6], scaleFactor: [2, 2], mode: .nearest)
        }
        #expect(throws: KernelError.self) {
            try InterpolateGeometry(planes: 1, inputSize: [3, 3], size: [6, 6], mode: .nearest, alignCorners: true)
        }
        #expect(throws: KernelError.self) {
            try InterpolateGeometry(planes: 1, inputSize: [3, 3], scaleFactor: [0.1, 2], mode: .linear)
        }
    }
}
