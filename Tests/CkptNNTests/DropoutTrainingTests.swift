import CkptNN
import CkptTensor
import Foundation
import Testing

/// Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout and StochasticDepth in training mode. PyTorch's random numbers
/// are not reproduced (ckpt has its own seeded generator), so these check the structure PyTorch guarantees: which
/// elements share a keep/drop decision, the scaling, the rate, and alpha dropout's preserved mean and variance.
@Suite struct DropoutTrainingTests {
    /// The distinct values of `t` (rounded to 1e-4).
    static func levels(_ values: [Float]) -> Set<Float> { Set(values.map { ($0 * 1e4).rounded() / 1e4 }) }

    /// Checks every block of `block` consecutive elements holds one value, and returns the blocks' values.
    static func blockValues(_ values: [Float], block: Int) -> [Float] {
        stride(from: 0, to: values.count, by: block).map { start in
            let chunk = values[start ..< start + block]
            #expect(Set(chunk).count == 1, "a channel is dropped or kept as a whole")
            return chunk[start]
        }
    }

    @Test func dropout2dDropsWholeChannelsAndScalesTheRest() throws {
        let m = try FeatureDropout(.dropout2d, p: 0.25)
        m.generator = Generator(seed: 11)
        let x = Tensor.ones([16, 32, 3, 3], requiresGrad: true)
        let y = try m(x)
        let channels = Self.blockValues(y.scalars, block: 9)
        #expect(Self.levels(channels) == Self.levels([0, 4.0 / 3]))
        let dropped = Double(channels.filter { $0 == 0 }.count) / Double(channels.count)
        #expect(abs(dropped - 0.25) < 0.06, "dropped \(dropped) of the channels")
        try y.sum().backward()
        #expect(x.grad?.scalars == y.scalars, "the gradient is the scaled mask")
        // The same seed gives the same channels.
        m.generator = Generator(seed: 11)
        #expect(try m(x.detach()).scalars == y.scalars)
    }

    @Test func dropout1dAndDropout3dTreatAnUnbatchedInputAsOneSample() throws {
        let d1 = try FeatureDropout(.dropout1d, p: 0.5)
        let y1 = try d1(Tensor.ones([64, 5]))
        #expect(y1.shape == [64, 5])
        #expect(Self.levels(Self.blockValues(y1.scalars, block: 5)) == [0, 2])
        let d3 = try FeatureDropout(.dropout3d, p: 0.5)
        let y3 = try d3(Tensor.ones([64, 2, 2, 2]))
        #expect(y3.shape == [64, 2, 2, 2])
        #expect(Self.levels(Self.blockValues(y3.scalars, block: 8)) == [0, 2])
        // Batched: one decision per (sample, channel).
        let y = try d1(Tensor.ones([4, 16, 3]))
        #expect(Self.blockValues(y.scalars, block: 3).count == 64)
    }

    @Test func alphaDropoutKeepsZeroMeanAndUnitVariance() throws {
        let p = 0.2
        let m = try FeatureDropout(.alphaDropout, p: NumberArgument(p))
        m.generator = Generator(seed: 5)
        let x = Tensor.normal([200, 200], mean: 0, std: 1, generator: Generator(seed: 6))
        let y = try m(x)
        let alpha = 1.7580993408473766, a = 1 / ((alpha * alpha * p + 1) * (1 - p)).squareRoot()
        let droppedValue = Float(-alpha * a * (1 - p))
        var dropped = 0
        for (xi, yi) in zip(x.scalars, y.scalars) {
            if abs(yi - droppedValue) < 1e-6 { dropped += 1; continue }
            #expect(abs(yi - Float(a * Double(xi) + alpha * a * p)) < 1e-5)
        }
        #expect(abs(Double(dropped) / Double(x.numel) - p) < 0.01)
        let mean = try y.mean().item(), std = try y.std().item()
        #expect(abs(mean) < 0.02 && abs(std - 1) < 0.02, "mean \(mean), std \(std)")
    }

    @Test func featureAlphaDropoutDecidesPerChannel() throws {
        let m = try FeatureDropout(.featureAlphaDropout, p: 0.5)
        let y = try m(Tensor.ones([8, 8, 4]))
        #expect(Self.levels(Self.blockValues(y.scalars, block: 4)).count == 2)
    }

    @Test func probabilityOneGivesZerosAndZeroIsIdentity() throws {
        let x = Tensor.uniform([2, 3, 4], low: -1, high: 1)
        for kind in FeatureDropout.Kind.allCases {
            #expect(try FeatureDropout(kind, p: 1)(x).scalars.allSatisfy { $0 == 0 }, "\(kind) p=1")
            #expect(try FeatureDropout(kind, p: 0)(x) === x, "\(kind) p=0")
        }
    }

    @Test func stochasticDepthDropsWholeSamplesOrTheBatch() throws {
        let row = try StochasticDepth(p: 0.5, mode: .row)
        row.generator = Generator(seed: 2)
        let y = try row(Tensor.ones([64, 3, 2]))
        #expect(Self.levels(Self.blockValues(y.scalars, block: 6)) == [0, 2])
        let batch = try StochasticDepth(p: 0.5, mode: .batch)
        #expect(Self.levels(try batch(Tensor.ones([8, 3])).scalars).count == 1)
        row.eval()
        let x = Tensor.ones([4, 2])
        #expect(try row(x) === x)
    }
}
