import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// ConvTranspose2d, Bilinear, padding and upsampling layers against PyTorch (`Fixtures/nn_layers/layers.json`).
@Suite struct LayerTests {
    static func golden(_ name: String) throws -> [String: Any] {
        let json = try Fixtures.json("nn_layers/layers.json")
        return try #require(json[name] as? [String: Any])
    }

    static func floats(_ g: [String: Any], _ key: String) throws -> [Float] { try #require(g[key] as? [Double]).map(Float.init) }

    static func load(_ t: Tensor?, _ values: [Float]) throws {
        let t = try #require(t)
        try Tensor.noGrad { try t.copy_(try Tensor(values, shape: t.shape)) }
    }

    @Test func convTranspose2dMatchesPyTorchForwardAndBackward() throws {
        let g = try Self.golden("convt")
        let m = try ConvTranspose2d(4, 6, kernelSize: SizeArgument([3, 2]), stride: SizeArgument(2), padding: SizeArgument(1),
                                    outputPadding: SizeArgument(1), groups: 2)
        #expect(m.stateDict().map { "\($0.key) \($0.value.shape)" } == ["weight [4, 3, 3, 2]", "bias [6]"])
        #expect(m.description == "ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)")
        try Self.load(m.parameter("weight"), try Self.floats(g, "weight"))
        try Self.load(m.parameter("bias"), try Self.floats(g, "bias"))
        let x = try Tensor(try Self.floats(g, "x"), shape: [2, 4, 3, 3], requiresGrad: true)
        let y = try m.forward(x)
        #expect(y.shape == (g["shape"] as? [Int]))
        expectClose(y.scalars, try Self.floats(g, "y"), "convt y")
        try (y * y).sum().backward()
        expectClose(x.grad?.scalars, try Self.floats(g, "gx"), "convt grad x")
        expectClose(m.parameter("weight")?.grad?.scalars, try Self.floats(g, "gw"), "convt grad weight")
        expectClose(m.parameter("bias")?.grad?.scalars, try Self.floats(g, "gb"), "convt grad bias")
    }

    @Test func bilinearMatchesPyTorchForwardAndBackward() throws {
        let g = try Self.golden("bilinear")
        let m = Bilinear(3, 4, 5)
        try Self.load(m.parameter("weight"), try Self.floats(g, "weight"))
        try Self.load(m.parameter("bias"), try Self.floats(g, "bias"))
        let a = try Tensor(try Self.floats(g, "a"), shape: [2, 3], requiresGrad: true)
        let b = try Tensor(try Self.floats(g, "b"), shape: [2, 4])
        let y = try m(a, b)
        #expect(y.shape == [2, 5])
        expectClose(y.scalars, try Self.floats(g, "y"), "bilinear y")
        try (y * y).sum().backward()
        expectClose(a.grad?.scalars, try Self.floats(g, "ga"), "bilinear grad a")
        expectClose(m.parameter("weight")?.grad?.scalars, try Self.floats(g, "gw"), "bilinear grad weight")
        #expect(throws: NNError.self) { try m(b, a) }
    }

    @Test func paddingAndUpsamplingMatchPyTorch() throws {
        let g = try Self.golden("pads")
        let x = try Tensor(try Self.floats(g, "x"), shape: [1, 2, 3, 4])
        let cases: [(String, UnaryModule)] = [
            ("zero", try Pad2d(.zero, padding: SizeArgument([1, 2, 0, 1]))),
            ("const", try Pad2d(.constant, padding: SizeArgument(1), value: 3.5)),
            ("refl", try Pad2d(.reflection, padding: SizeArgument([2, 1, 1, 2]))),
            ("repl", try Pad2d(.replication, padding: SizeArgument(2))),
            ("up", try Upsample(scaleFactor: [2], bilinear2d: true)),
            ("up_nearest", try Upsample(size: SizeArgument([5, 7]))),
        ]
        for (name, m) in cases { expectClose(try m.forward(x).scalars, try Self.floats(g, name), name) }
        #expect(cases[1].1.description == "ConstantPad2d(padding=(1, 1, 1, 1), value=3.5)")
        #expect(cases[4].1.description == "UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')")
        #expect(throws: NNError.self) { try Pad2d(.constant, padding: SizeArgument([1, 2, 3])) }
    }

    @Test func unflattenAndPixelShuffleShapes() throws {
        let x = Tensor.ones([2, 12, 3])
        #expect(try Unflatten(dim: 1, unflattenedSize: [3, -1]).forward(x).shape == [2, 3, 4, 3])
        #expect(throws: NNError.self) { try Unflatten(dim: 1, unflattenedSize: [5, 2]).forward(x) }
        #expect(try PixelShuffle(2).forward(Tensor.ones([1, 8, 2, 3])).shape == [1, 2, 4, 6])
    }
}

/// BatchNorm2d (train then eval) and LayerNorm against PyTorch: outputs, input and parameter gradients, running stats.
@Suite struct NormalizationParityTests {
    /// `sum(y * w)` with PyTorch's weights `sin(i)` / `cos(i)` so every gradient element differs.
    /// Loads a normalisation layer's golden `weight` and `bias`.
    static func loadAffine(_ m: Module, _ g: [String: Any]) throws {
        try LayerTests.load(m.parameter("weight"), try LayerTests.floats(g, "weight"))
        try LayerTests.load(m.parameter("bias"), try LayerTests.floats(g, "bias"))
    }

    /// The gradients of input `x` and of `m`'s weight and bias against the golden `gx`, `gw`, `gb`.
    static func expectGradients(_ x: Tensor, _ m: Module, _ g: [String: Any], _ tag: String) throws {
        expectClose(x.grad?.scalars, try LayerTests.floats(g, "gx"), "\(tag) grad x")
        expectClose(m.parameter("weight")?.grad?.scalars, try LayerTests.floats(g, "gw"), "\(tag) grad weight")
        expectClose(m.parameter("bias")?.grad?.scalars, try LayerTests.floats(g, "gb"), "\(tag) grad bias")
    }

    static func weighted(_ y: Tensor, _ f: (Float) -> Float) throws -> Tensor {
        let w = try Tensor((0 ..< y.numel).map { f(Float($0)) }, shape: y.shape)
        return try (y * w).sum()
    }

    @Test func batchNorm2dTrainAndEvalMatchPyTorch() throws {
        let g = try LayerTests.golden("batchnorm2d")
        let m = BatchNorm(dims: 2, 3)
        try Self.loadAffine(m, g)
        let xs = try LayerTests.floats(g, "x")
        let x = try Tensor(xs, shape: [4, 3, 2, 5], requiresGrad: true)
        let y = try m.forward(x)
        expectClose(y.scalars, try LayerTests.floats(g, "y"), "bn y")
        try Self.weighted(y, sin).backward()
        try Self.expectGradients(x, m, g, "bn")
        expectClose(m.buffer("running_mean")?.scalars, try LayerTests.floats(g, "running_mean"), "bn running_mean")
        expectClose(m.buffer("running_var")?.scalars, try LayerTests.floats(g, "running_var"), "bn running_var")
        m.eval()
        let ye = try m.forward(try Tensor(xs.map { $0 * 0.5 }, shape: [4, 3, 2, 5]))
        expectClose(ye.scalars, try LayerTests.floats(g, "y_eval"), "bn eval y")
    }

    @Test func layerNormMatchesPyTorch() throws {
        let g = try LayerTests.golden("layernorm")
        let m = LayerNorm([5])
        try Self.loadAffine(m, g)
        let x = try Tensor(try LayerTests.floats(g, "x"), shape: [3, 5], requiresGrad: true)
        let y = try m.forward(x)
        expectClose(y.scalars, try LayerTests.floats(g, "y"), "ln y")
        try Self.weighted(y, cos).backward()
        try Self.expectGradients(x, m, g, "ln")
    }
}
