import CkptTestSupport
import Testing
@testable import CkptTensor

/// Convolutions against PyTorch: output and input/weight/bias gradients of `(out * g).sum()`.
@Suite struct ConvGoldenTests {
    static let convCases = ["conv1d_catalogue", "conv2d_catalogue", "conv3d_catalogue", "conv2d_groups",
                            "conv2d_depthwise_dilated", "conv2d_same_even", "conv1d_same", "conv1d_valid",
                            "conv2d_pointwise", "conv2d_kernel_covers_input"]
    static let transposeCases = ["conv_transpose2d_groups", "conv_transpose2d_dilated",
                                 "conv_transpose2d_outpad_dilation", "conv_transpose1d", "conv_transpose3d"]

    @Test func fixtureHoldsExactlyTheseCases() throws {
        let f = try GoldenFile("conv_ops/conv")
        #expect(Set(f.caseNames) == Set(Self.convCases + Self.transposeCases))
    }

    @Test(arguments: convCases) func convolution(_ name: String) throws {
        let c = try ConvCase(name), f = c.file, a = c.args
        let (x, w, g, b, xs, ws) = (c.x, c.w, c.g, c.b, c.xShape, c.wShape)
        let padding: ConvPadding
        switch a["padding"] {
        case let p as [Int]: padding = .explicit(p)
        case let s as String: padding = s == "same" ? .same : .valid
        default: padding = .valid
        }
        let geo = try ConvGeometry(batch: xs[0], inChannels: xs[1], outChannels: ws[0],
                                   groups: a["groups"] as? Int ?? 1, inputSize: Array(xs.dropFirst(2)),
                                   kernelSize: Array(ws.dropFirst(2)), stride: a.optionalInts("stride"),
                                   padding: padding, dilation: a.optionalInts("dilation"))
        #expect(geo.outputShape == (try f.shape(name, "out")))
        #expect(geo.weightShape == ws)
        let out: [Float] = withOutput(geo.outputCount) { o in ConvKernel.forward(geo, input: x, weight: w, bias: b, output: o) }
        expectClose(out, try f.floats(name, "out"), tolerance: 1e-4, "\(name) out")
        let grads: [[Float]] = withOutputs([geo.inputCount, geo.weightCount, geo.outChannels]) { o in
            ConvKernel.backward(geo, input: x, weight: w, gradOutput: g, gradInput: o[0], gradWeight: o[1],
                                gradBias: b == nil ? nil : o[2])
        }
        try c.expectGradients(grads)
    }

    @Test(arguments: transposeCases) func transposedConvolution(_ name: String) throws {
        let c = try ConvCase(name), f = c.file, a = c.args
        let (x, w, g, b, xs, ws) = (c.x, c.w, c.g, c.b, c.xShape, c.wShape)
        let groups = a["groups"] as? Int ?? 1
        let geo = try ConvGeometry.transposed(batch: xs[0], inChannels: xs[1], outChannels: ws[1] * groups,
                                              groups: groups, inputSize: Array(xs.dropFirst(2)),
                                              kernelSize: Array(ws.dropFirst(2)), stride: a.optionalInts("stride"),
                                              padding: a.optionalInts("padding"),
                                              outputPadding: a.optionalInts("output_padding"),
                                              dilation: a.optionalInts("dilation"))
        #expect([geo.batch, geo.inChannels] + geo.inputSize == (try f.shape(name, "out")))
        let out: [Float] = withOutput(geo.inputCount) { o in ConvTransposeKernel.forward(geo, input: x, weight: w, bias: b, output: o) }
        expectClose(out, try f.floats(name, "out"), tolerance: 1e-4, "\(name) out")
        let grads: [[Float]] = withOutputs([geo.outputCount, geo.weightCount, geo.inChannels]) { o in
            ConvTransposeKernel.backward(geo, input: x, weight: w, gradOutput: g, gradInput: o[0],
                                         gradWeight: o[1], gradBias: b == nil ? nil : o[2])
        }
        try c.expectGradients(grads)
    }

    @Test func invalidArgumentsThrow() {
        #expect(throws: KernelError.self) {
            try ConvGeometry(batch: 1, inChannels: 3, outChannels: 4, groups: 2, inputSize: [5, 5], kernelSize: [3, 3])
        }
        #expect(throws: KernelError.self) {
            try ConvGeometry(batch: 1, inChannels: 2, outChannels: 4, inputSize: [2, 5], kernelSize: [3, 3])
        }
        #expect(throws: KernelError.self) {
            try ConvGeometry(batch: 1, inChannels: 2, outChannels: 4, inputSize: [9, 9], kernelSize: [3, 3],
                             stride: [2, 2], padding: .same)
        }
        #expect(throws: KernelError.self) {
            try ConvGeometry(batch: 1, inChannels: 2, outChannels: 4, inputSize: [9, 9], kernelSize: [3, 0])
        }
        #expect(throws: KernelError.self) {
            try ConvGeometry.transposed(batch: 1, inChannels: 2, outChannels: 2, inputSize: [4], kernelSize: [3],
                                        stride: [2], outputPadding: [2])
        }
    }
}

/// One convolution case of `conv_ops/conv`: input, weight, output gradient and optional bias, with their shapes.
struct ConvCase {
    let name: String
    let file: GoldenFile
    let args: GoldenArgs
    let x: [Float], w: [Float], g: [Float], b: [Float]?
    let xShape: [Int], wShape: [Int]

    init(_ name: String) throws {
        self.name = name
        file = try GoldenFile("conv_ops/conv")
        args = try file.args(name)
        x = try file.floats(name, "x")
        w = try file.floats(name, "w")
        g = try file.floats(name, "g")
        b = file.has(name, "b") ? try file.floats(name, "b") : nil
        xShape = try file.shape(name, "x")
        wShape = try file.shape(name, "w")
    }

    /// The input, weight and (with a bias) bias gradients against PyTorch's.
    func expectGradients(_ grads: [[Float]]) throws {
        expectClose(grads[0], try file.floats(name, "gx"), tolerance: 1e-4, "\(name) gx")
        expectClose(grads[1], try file.floats(name, "gw"), tolerance: 1e-4, "\(name) gw")
        if b != nil { expectClose(grads[2], try file.floats(name, "gb"), tolerance: 1e-4, "\(name) gb") }
    }
}
