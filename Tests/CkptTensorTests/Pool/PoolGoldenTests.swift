import CkptTestSupport
import Testing
@testable import CkptTensor

/// Max/avg/adaptive pooling and max unpooling against PyTorch.
@Suite struct PoolGoldenTests {
    static let maxCases = ["max_pool2d_catalogue", "max_pool2d_ceil_pad_dilation", "max_pool2d_ties",
                           "max_pool1d_ceil", "max_pool3d_pad", "max_pool2d_lenet"]
    static let avgCases = ["avg_pool2d_catalogue", "avg_pool2d_pad_ceil_exclude", "avg_pool2d_pad_ceil_include",
                           "avg_pool2d_divisor", "avg_pool1d_pad", "avg_pool3d_ceil_exclude"]
    static let adaptiveCases = ["adaptive_avg_pool2d", "adaptive_avg_pool2d_upsizing", "adaptive_max_pool2d"]

    @Test func fixtureHoldsExactlyTheseCases() throws {
        let f = try GoldenFile("conv_ops/pool")
        #expect(Set(f.caseNames) == Set(Self.maxCases + Self.avgCases + Self.adaptiveCases + ["max_unpool2d_catalogue"]))
    }

    static func geometry(_ f: GoldenFile, _ name: String) throws -> PoolGeometry {
        let a = try f.args(name), xs = try f.shape(name, "x")
        return try PoolGeometry(planes: xs[0] * xs[1], inputSize: Array(xs.dropFirst(2)),
                                kernelSize: try #require(a.optionalInts("kernel")), stride: a.optionalInts("stride"),
                                padding: a.optionalInts("padding"), dilation: a.optionalInts("dilation"),
                                ceilMode: a["ceil_mode"] as? Bool ?? false)
    }

    @Test(arguments: maxCases) func maxPool(_ name: String) throws {
        let f = try GoldenFile("conv_ops/pool")
        let geo = try Self.geometry(f, name)
        let outShape = try f.shape(name, "out")
        #expect(geo.outputSize == Array(outShape.dropFirst(2)))
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        var indices = [Int](repeating: -7, count: geo.outputCount)
        let out: [Float] = withOutput(geo.outputCount) { o in MaxPoolKernel.forward(geo, input: x, output: o, indices: &indices) }
        expectClose(out, try f.floats(name, "out"), "\(name) out")
        #expect(indices == (try f.ints(name, "indices")), "\(name) indices")
        let gx: [Float] = withOutput(geo.inputCount) { o in MaxPoolKernel.backward(geo, gradOutput: g, indices: indices, gradInput: o) }
        expectClose(gx, try f.floats(name, "gx"), "\(name) gx")
    }

    @Test func maxUnpoolCatalogue() throws {
        let f = try GoldenFile("conv_ops/pool"), name = "max_unpool2d_catalogue"
        let x = try f.floats(name, "x")
        let geo = try PoolGeometry(planes: 1, inputSize: [4, 4], kernelSize: [2, 2], stride: [2, 2])
        var indices = [Int](repeating: 0, count: 4)
        let pooled: [Float] = withOutput(4) { o in MaxPoolKernel.forward(geo, input: x, output: o, indices: &indices) }
        #expect(pooled == [6, 8, 14, 16])
        #expect(indices == (try f.ints(name, "indices")))
        let out: [Float] = try withOutput(16) { o in
            try MaxPoolKernel.unpool(planes: 1, inputPlane: 4, outputPlane: 16, input: pooled, indices: indices,
                                     output: o)
        }
        #expect(out == [0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16])
        expectClose(out, try f.floats(name, "out"), "unpool out")
        let g = try f.floats(name, "g")
        let gx: [Float] = withOutput(4) { o in
            MaxPoolKernel.unpoolBackward(planes: 1, inputPlane: 4, outputPlane: 16,
                                         gradOutput: g, indices: indices, gradInput: o)
        }
        expectClose(gx, try f.floats(name, "gx"), "unpool gx")
        #expect(throws: KernelError.self) {
            _ = try withOutputs([16]) { (o: [UnsafeMutablePointer<Float>]) in
                try MaxPoolKernel.unpool(planes: 1, inputPlane: 4, outputPlane: 16, input: pooled,
                                         indices: [0, 1, 16, 2], output: o[0])
            }
        }
    }

    @Test(arguments: avgCases) func avgPool(_ name: String) throws {
        let f = try GoldenFile("conv_ops/pool")
        let a = try f.args(name)
        let geo = try Self.geometry(f, name)
        let options = AvgPoolKernel.Options(countIncludePad: a["count_include_pad"] as? Bool ?? true,
                                            divisorOverride: a["divisor_override"] as? Int)
        try AvgPoolKernel.validate(geo, options)
        #expect(geo.outputSize == Array(try f.shape(name, "out").dropFirst(2)))
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        let out: [Float] = withOutput(geo.outputCount) { o in AvgPoolKernel.forward(geo, options, input: x, output: o) }
        expectClose(out, try f.floats(name, "out"), "\(name) out")
        let gx: [Float] = withOutput(geo.inputCount) { o in AvgPoolKernel.backward(geo, options, gradOutput: g, gradInput: o) }
        expectClose(gx, try f.floats(name, "gx"), "\(name) gx")
    }

    @Test(arguments: adaptiveCases) func adaptivePool(_ name: String) throws {
        let f = try GoldenFile("conv_ops/pool")
        let a = try f.args(name), xs = try f.shape(name, "x")
        let size = try #require(a.optionalInts("output_size"))
        let planes = xs[0] * xs[1], inSize = Array(xs.dropFirst(2))
        let inCount = planes * inSize.reduce(1, *), outCount = planes * size.reduce(1, *)
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        let gx: [Float]
        if a["op"] as? String == "adaptive_max_pool" {
            var indices = [Int](repeating: -1, count: outCount)
            let out: [Float] = try withOutput(outCount) { o in
                try AdaptivePoolKernel.maxForward(planes: planes, inputSize: inSize, outputSize: size, input: x,
                                                  output: o, indices: &indices)
            }
            expectClose(out, try f.floats(name, "out"), "\(name) out")
            #expect(indices == (try f.ints(name, "indices")))
            gx = withOutput(inCount) { o in
                AdaptivePoolKernel.maxBackward(planes: planes, inputSize: inSize, outputSize: size, gradOutput: g,
                                               indices: indices, gradInput: o)
            }
        } else {
            let out: [Float] = try withOutput(outCount) { o in
                try AdaptivePoolKernel.avgForward(planes: planes, inputSize: inSize, outputSize: size, input: x,
                                                  output: o)
            }
            expectClose(out, try f.floats(name, "out"), "\(name) out")
            gx = try withOutput(inCount) { o in
                try AdaptivePoolKernel.avgBackward(planes: planes, inputSize: inSize, outputSize: size,
                                                   gradOutput: g, gradInput: o)
            }
        }
        expectClose(gx, try f.floats(name, "gx"), "\(name) gx")
    }

    @Test func invalidArgumentsThrow() {
        // Padding over half the kernel, an empty output, and dilation on average pooling.
        #expect(throws: KernelError.self) { try PoolGeometry(planes: 1, inputSize: [8, 8], kernelSize: [2, 2], padding: [2, 2]) }
        #expect(throws: KernelError.self) { try PoolGeometry(planes: 1, inputSize: [2, 8], kernelSize: [3, 3]) }
        #expect(throws: KernelError.self) {
            let g = try PoolGeometry(planes: 1, inputSize: [8, 8], kernelSize: [2, 2], dilation: [2, 2])
            try AvgPoolKernel.validate(g, .init())
        }
        #expect(throws: KernelError.self) {
            let g = try PoolGeometry(planes: 1, inputSize: [8, 8], kernelSize: [2, 2])
            try AvgPoolKernel.validate(g, .init(divisorOverride: 0))
        }
    }
}
