import CkptTestSupport
import Testing
@testable import CkptTensor

/// `F.pad` in every mode against PyTorch.
@Suite struct PadGoldenTests {
    static let cases = ["replication_pad2d_catalogue", "zero_pad2d_catalogue", "constant_asymmetric",
                        "constant_negative", "reflect1d", "reflect2d", "reflect3d", "replicate1d", "replicate3d",
                        "circular1d", "circular2d", "circular3d"]

    @Test func fixtureHoldsExactlyTheseCases() throws {
        #expect(Set(try GoldenFile("conv_ops/pad").caseNames) == Set(Self.cases))
    }

    @Test(arguments: cases) func pad(_ name: String) throws {
        let f = try GoldenFile("conv_ops/pad")
        let a = try f.args(name)
        let modeName = try #require(a["mode"] as? String)
        let mode = try #require(PadMode(rawValue: modeName))
        let geo = try PadGeometry(shape: try f.shape(name, "x"), pad: try #require(a.optionalInts("pad")), mode: mode)
        let outShape = try f.shape(name, "out")
        #expect(geo.outputSize == Array(outShape.suffix(geo.outputSize.count)))
        let x = try f.floats(name, "x"), g = try f.floats(name, "g")
        let value = Float(a["value"] as? Double ?? 0)
        let out: [Float] = withOutput(geo.outputCount) { o in PadKernel.forward(geo, value: value, input: x, output: o) }
        expectClose(out, try f.floats(name, "out"), "\(name) out")
        let gx: [Float] = withOutput(geo.inputCount) { o in PadKernel.backward(geo, gradOutput: g, gradInput: o) }
        expectClose(gx, try f.floats(name, "gx"), "\(name) gx")
    }

    @Test func invalidArgumentsThrow() {
        #expect(throws: KernelError.self) { try PadGeometry(shape: [1, 2, 3], pad: [3, 0], mode: .reflect) }
        #expect(throws: KernelError.self) { try PadGeometry(shape: [1, 2, 3], pad: [4, 0], mode: .circular) }
        #expect(throws: KernelError.self) { try PadGeometry(shape: [1, 2, 3], pad: [1], mode: .constant) }
        #expect(throws: KernelError.self) { try PadGeometry(shape: [1, 2, 3], pad: [-2, -2], mode: .constant) }
        #expect(throws: KernelError.self) { try PadGeometry(shape: [3], pad: [1, 1], mode: .reflect) }
    }
}
