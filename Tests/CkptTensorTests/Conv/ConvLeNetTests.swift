import CkptTestSupport
import Foundation
import Testing
@testable import CkptTensor

/// The tutorial LeNet through the engine (conv → relu → max_pool twice, view, three linear layers) against
/// PyTorch: output, input gradient, parameter gradients and the `grad_fn` chain.
@Suite struct ConvLeNetTests {
    /// The generator's `formula_fill`: `0.1 · sin(0.37 · i + k)` rounded to Float.
    static func formula(_ shape: [Int], _ k: Int) throws -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { Float(0.1 * sin(0.37 * Double($0) + Double(k))) }
        return try Tensor(values, shape: shape, requiresGrad: true)
    }

    @Test func lenetMatchesPyTorch() throws {
        let f = try GoldenFile("conv_ops/lenet"), name = "lenet"
        let shapes: [(String, [Int])] = [("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]),
                                         ("conv2.bias", [16]), ("fc1.weight", [120, 400]), ("fc1.bias", [120]),
                                         ("fc2.weight", [84, 120]), ("fc2.bias", [84]), ("fc3.weight", [10, 84]),
                                         ("fc3.bias", [10])]
        var p = [String: Tensor]()
        for (k, (key, shape)) in shapes.enumerated() { p[key] = try Self.formula(shape, k) }
        func param(_ key: String) throws -> Tensor { try #require(p[key]) }
        let x = try #require(try f.tensor(name, "x", requiresGrad: true))
        var h = try x.conv2d(weight: try param("conv1.weight"), bias: try param("conv1.bias")).relu()
            .maxPool2d(kernelSize: [2, 2])
        h = try h.conv2d(weight: try param("conv2.weight"), bias: try param("conv2.bias")).relu().maxPool2d(kernelSize: [2])
        h = try h.view([-1, 400])
        h = try h.linear(weight: try param("fc1.weight"), bias: try param("fc1.bias")).relu()
        h = try h.linear(weight: try param("fc2.weight"), bias: try param("fc2.bias")).relu()
        let out = try h.linear(weight: try param("fc3.weight"), bias: try param("fc3.bias"))

        var chain = [String]()
        var node = out.gradFn
        while let current = node, current.name != "AccumulateGrad" {
            chain.append(current.name)
            node = current.nextFunctions.compactMap { $0.0 }.first { $0.name != "AccumulateGrad" }
        }
        #expect(chain == (try f.args(name))["chain"] as? [String])

        try f.checkTensorOp(name, out: out, leaves: [("gx", x)], tolerance: 1e-4)
        for key in ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc3.weight", "fc3.bias"] {
            let grad = try #require(try param(key).grad, "no gradient for \(key)")
            expectClose(grad.scalars, try f.floats(name, "grad.\(key)"), tolerance: 1e-4, "grad \(key)")
        }
    }
}
