import CkptNN
import CkptTensor
import Foundation
import Testing

/// Central finite differences of `L = Σ f() · w` with respect to every element of `tensors`, against the engine's
/// backward (the idea of `CkptTensorTests/GradCheck.swift`, over a module's inputs and parameters).
///
/// The step is `h` scaled down for tensors of small values (at most 3e-3 of their RMS). Where a kink or a jump lies
/// within the step (Hardshrink at ±λ, ReLU6 at 0), central differences straddle it; there the analytic gradient
/// must equal one of the one-sided differences, as a subgradient does.
enum FiniteDifferences {
    /// Describes the first element whose analytic gradient disagrees with finite differences, or nil. The tolerance
    /// allows Float32 rounding of the objective divided by the step.
    static func mismatch(_ tensors: [Tensor], h maxStep: Float = 3e-3, _ f: () throws -> Tensor) throws -> String? {
        for t in tensors { t.grad = nil }
        let out = try f()
        let w = try Tensor((0 ..< out.numel).map { Float(sin(Double($0) + 0.5)) }, shape: out.shape)
        func objective(_ y: Tensor) -> Double { zip(y.scalars, w.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        try (out * w).sum().backward()
        let magnitude = try Tensor.noGrad { zip(try f().scalars, w.scalars).reduce(0.0) { $0 + Double(abs($1.0 * $1.1)) } }
        let center = try Tensor.noGrad { objective(try f()) }
        for (k, t) in tensors.enumerated() where t.requiresGrad {
            let analytic = t.grad?.scalars ?? [Float](repeating: 0, count: t.numel)
            let rms = (t.scalars.reduce(0) { $0 + $1 * $1 } / Float(max(t.numel, 1))).squareRoot()
            let h = max(min(maxStep, maxStep * rms), 1e-5)
            for j in 0 ..< t.numel {
                let saved = t.buffer.pointer[j]
                t.buffer.pointer[j] = saved + h
                let plus = try Tensor.noGrad { objective(try f()) }
                t.buffer.pointer[j] = saved - h
                let minus = try Tensor.noGrad { objective(try f()) }
                t.buffer.pointer[j] = saved
                let a = Double(analytic[j])
                let tolerance = 1e-2 * abs(a) + 2e-3 + magnitude * 3e-7 / Double(h)
                let central = (plus - minus) / Double(2 * h)
                let left = (center - minus) / Double(h), right = (plus - center) / Double(h)
                let kinked = !(abs(left - right) <= 2 * tolerance)
                if abs(central - a) <= tolerance || (kinked && min(abs(left - a), abs(right - a)) <= 2 * tolerance) { continue }
                return "tensor \(k) element \(j): analytic \(a), central \(central), one-sided \(left) / \(right)"
            }
        }
        return nil
    }
}

/// Every new layer's backward (inputs and parameters) against finite differences, on the golden cases' inputs and
/// parameters (`Fixtures/nn_more_layers/layers.json`).
@Suite struct MoreLayerGradCheckTests {
    /// The first floating output of `m` on `inputs`.
    static func firstOutput(_ m: Module, _ inputs: [Tensor]) throws -> Tensor {
        let outputs = try MoreLayerTests.tensors(try m.call(inputs.map { .tensor($0) }))
        return try #require(outputs.first { $0.dtype == .float32 })
    }

    @Test(arguments: MoreLayerTests.factories.keys.sorted())
    func backwardMatchesFiniteDifferences(name: String) throws {
        let make = try #require(MoreLayerTests.factories[name])
        let m = try make()
        let inputs = try MoreLayerTests.loadCase(name, into: m)
        let failure = try FiniteDifferences.mismatch(inputs + m.parameters()) { try Self.firstOutput(m, inputs) }
        #expect(failure == nil, "\(name): \(failure ?? "")")
    }

    /// Tracked InstanceNorm in training (batch statistics; the running ones move on every call and do not feed the
    /// output) and in eval (running statistics as constants).
    @Test(arguments: MoreLayerTests.trackedCases.keys.sorted(), [true, false])
    func trackedInstanceNormBackwardMatchesFiniteDifferences(name: String, training: Bool) throws {
        let make = try #require(MoreLayerTests.trackedCases[name])
        let m = make()
        let inputs = try MoreLayerTests.loadCase(name, into: m)
        if !training {
            // Non-trivial running statistics so eval normalises with something other than (0, 1).
            _ = try m(inputs[0].detach() * 3 + 1)
            m.eval()
        }
        let failure = try FiniteDifferences.mismatch(inputs + m.parameters()) { try m(inputs[0]) }
        #expect(failure == nil, "\(name) training=\(training): \(failure ?? "")")
    }

    /// Dropout's gradient is its mask: checked with the same noise on every call (a fixed seed per call).
    @Test(arguments: FeatureDropout.Kind.allCases)
    func dropoutBackwardMatchesFiniteDifferencesForFixedNoise(kind: FeatureDropout.Kind) throws {
        let m = try FeatureDropout(kind, p: 0.4)
        let x = Tensor.uniform([3, 4, 2, 2], low: -2, high: 2, requiresGrad: true)
        let input = kind == .dropout1d ? try x.detach().reshape([3, 4, 4]) : x
        input.requiresGrad = true
        let failure = try FiniteDifferences.mismatch([input]) {
            m.generator = Generator(seed: 3)
            return try m(input)
        }
        #expect(failure == nil, "\(kind): \(failure ?? "")")
    }
}
