import Foundation

/// A seeded random number generator (xoshiro256**, seeded through splitmix64).
///
/// Same seed, same sequence, on every platform — but NOT PyTorch's CPU generator (mt19937 with its own
/// float and normal transforms): `manualSeed(0); randn(...)` gives different numbers than torch.
/// Tests that compare with PyTorch take their inputs from fixtures, never from this generator.
///
/// Every draw holds the generator's lock, so threads may share one (their numbers then interleave).
public final class Generator: RandomNumberGenerator, @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var seed: UInt64 = 0
    private let lock = NSLock()

    /// The seed last set.
    public var initialSeed: UInt64 { lock.withLock { seed } }

    /// A generator seeded with `seed`.
    public init(seed: UInt64 = 0) { manualSeed(seed) }

    /// The generator used when an op is given none: the current `EngineContext`'s (one process-wide generator
    /// unless a scope installs its own; `torch.manual_seed` seeds it).
    public static var `default`: Generator { EngineContext.generatorNow }

    /// Restarts the sequence from `seed`.
    public func manualSeed(_ seed: UInt64) {
        lock.lock(); defer { lock.unlock() }
        self.seed = seed
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        return step()
    }

    private func step() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Fills every element of `buffer` with uniform floats in `[low, high)`.
    public func fillUniform(_ buffer: TensorBuffer, low: Float = 0, high: Float = 1) {
        withExtendedLifetime(buffer) { fillUniform(buffer.pointer, count: buffer.count, low: low, high: high) }
    }

    /// Fills every element of `buffer` with normal floats.
    public func fillNormal(_ buffer: TensorBuffer, mean: Float = 0, std: Float = 1) {
        withExtendedLifetime(buffer) { fillNormal(buffer.pointer, count: buffer.count, mean: mean, std: std) }
    }

    /// Fills `count` elements at `p` with uniform floats in `[low, high)`.
    func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, low: Float = 0, high: Float = 1) {
        lock.lock(); defer { lock.unlock() }
        let span = high - low
        for i in 0 ..< count {
            // 24 random bits: every value is an exact float in [0, 1).
            let u = Float(step() >> 40) * 0x1p-24
            p[i] = low + u * span
        }
    }

    /// Fills `count` elements at `p` with normal floats (Box–Muller in Double).
    func fillNormal(_ p: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, std: Float = 1) {
        lock.lock(); defer { lock.unlock() }
        var i = 0
        while i < count {
            let u1 = (Double(step() >> 11) + 1) * 0x1p-53  // (0, 1]: log is finite
            let u2 = Double(step() >> 11) * 0x1p-53
            let r = Foundation.sqrt(-2 * Foundation.log(u1)), theta = 2 * Double.pi * u2
            p[i] = mean + std * Float(r * Foundation.cos(theta))
            if i + 1 < count { p[i + 1] = mean + std * Float(r * Foundation.sin(theta)) }
            i += 2
        }
    }
}

extension Tensor {
    /// Seeds the current context's generator (`torch.manual_seed`; the numbers differ from PyTorch's, see `Generator`).
    public static func manualSeed(_ seed: UInt64) { Generator.default.manualSeed(seed) }

    /// Uniform samples in `[0, 1)`.
    public static func rand(_ shape: [Int], generator: Generator = .default, requiresGrad: Bool = false) -> Tensor {
        uniform(shape, low: 0, high: 1, generator: generator, requiresGrad: requiresGrad)
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], generator: Generator = .default, requiresGrad: Bool = false) -> Tensor {
        normal(shape, mean: 0, std: 1, generator: generator, requiresGrad: requiresGrad)
    }

    /// Uniform samples in `[low, high)`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, generator: Generator = .default, requiresGrad: Bool = false) -> Tensor {
        let t = zeros(shape, requiresGrad: requiresGrad)
        if !EngineContext.isShapesOnlyNow { generator.fillUniform(t.buffer.pointer, count: t.numel, low: low, high: high) }
        return t
    }

    /// Normal samples with `mean` and `std`.
    public static func normal(_ shape: [Int], mean: Float, std: Float, generator: Generator = .default, requiresGrad: Bool = false) -> Tensor {
        let t = zeros(shape, requiresGrad: requiresGrad)
        if !EngineContext.isShapesOnlyNow { generator.fillNormal(t.buffer.pointer, count: t.numel, mean: mean, std: std) }
        return t
    }

    /// Integers uniform in `[low, high)` as an `.int64` tensor.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], generator: Generator = .default) throws -> Tensor {
        guard high > low else { throw TensorError.invalidArgument("random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)") }
        let t = zeros(shape, dtype: .int64)
        let span = UInt64(high - low)
        for i in 0 ..< t.numel { t.buffer.pointer[i] = Float(low + Int(generator.next() % span)) }
        return t
    }

    /// Fills this tensor in place with uniform samples (`uniform_`, for initialisers; outside autograd).
    public func uniform_(low: Float, high: Float, generator: Generator = .default) {
        guard !EngineContext.isShapesOnlyNow else { return }
        generator.fillUniform(buffer.pointer, count: numel, low: low, high: high)
    }

    /// Fills this tensor in place with normal samples (`normal_`).
    public func normal_(mean: Float, std: Float, generator: Generator = .default) {
        guard !EngineContext.isShapesOnlyNow else { return }
        generator.fillNormal(buffer.pointer, count: numel, mean: mean, std: std)
    }

    /// Fills this tensor in place with `value` (`fill_`).
    public func fill_(_ value: Float) {
        guard !EngineContext.isShapesOnlyNow else { return }
        buffer.pointer.update(repeating: value, count: numel)
    }
}
