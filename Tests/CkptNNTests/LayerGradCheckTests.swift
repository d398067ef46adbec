import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// Every golden layer's backward (inputs and parameters) against finite differences (`GradCheck.modules`: steps
/// scaled to each tensor, one-sided differences at kinks such as Hardshrink at ±λ), on the golden cases' inputs and
/// parameters (`Fixtures/layer_goldens/layers.json`).
@Suite struct LayerGradCheckTests {
    /// The first floating output of `m` on `inputs`.
    static func firstOutput(_ m: Module, _ inputs: [Tensor]) throws -> Tensor {
        let outputs = try LayerGoldenTests.tensors(try m.call(inputs.map { .tensor($0) }))
        return try #require(outputs.first { $0.dtype == .float32 })
    }

    @Test(arguments: LayerGoldenTests.factories.keys.sorted())
    func backwardMatchesFiniteDifferences(name: String) throws {
        let make = try #require(LayerGoldenTests.factories[name])
        let m = try make()
        let inputs = try LayerGoldenTests.loadCase(name, into: m)
        let failure = try GradCheck.modules.mismatch(inputs + m.parameters()) { try Self.firstOutput(m, inputs) }
        #expect(failure == nil, "\(name): \(failure ?? "")")
    }

    /// Tracked InstanceNorm in training (batch statistics; the running ones move on every call and do not feed the
    /// output) and in eval (running statistics as constants).
    @Test(arguments: LayerGoldenTests.trackedCases.keys.sorted(), [true, false])
    func trackedInstanceNormBackwardMatchesFiniteDifferences(name: String, training: Bool) throws {
        let make = try #require(LayerGoldenTests.trackedCases[name])
        let m = make()
        let inputs = try LayerGoldenTests.loadCase(name, into: m)
        if !training {
            // Non-trivial running statistics so eval normalises with something other than (0, 1).
            _ = try m(inputs[0].detach() * 3 + 1)
            m.eval()
        }
        let failure = try GradCheck.modules.mismatch(inputs + m.parameters()) { try m(inputs[0]) }
        #expect(failure == nil, "\(name) training=\(training): \(failure ?? "")")
    }

    /// Dropout's gradient is its mask: checked with the same noise on every call (a fixed seed per call).
    @Test(arguments: FeatureDropout.Kind.allCases)
    func dropoutBackwardMatchesFiniteDifferencesForFixedNoise(kind: FeatureDropout.Kind) throws {
        let m = try FeatureDropout(kind, p: 0.4)
        let x = Tensor.uniform([3, 4, 2, 2], low: -2, high: 2, requiresGrad: true)
        let input = kind == .dropout1d ? try x.detach().reshape([3, 4, 4]) : x
        input.requiresGrad = true
        let failure = try GradCheck.modules.mismatch([input]) {
            m.generator = Generator(seed: 3)
            return try m(input)
        }
        #expect(failure == nil, "\(kind): \(failure ?? "")")
    }
}
