import CkptTensor
import Foundation
import Testing

/// The check's two ways in: engine tensors (in place) and kernels over Double arrays.
extension GradCheck {
    /// Checks the gradients of every tensor in `tensors` that requires grad (inputs and parameters alike) for the
    /// output of `f`, which reads them: `L = Σ f() · weights`, weights `sin(i + 0.5)` unless given. Each tensor is
    /// moved in place (through `copy_` without grad) and restored afterwards. Returns the first element out of
    /// bounds, described with the tensor's index in `tensors`, or nil.
    public func mismatch(_ tensors: [Tensor], weights: Tensor? = nil, _ f: () throws -> Tensor) throws -> String? {
        let checked = tensors.indices.filter { tensors[$0].requiresGrad }
        for t in tensors { t.grad = nil }
        let out = try f()
        let w = try weights ?? Tensor((0 ..< out.numel).map { Float(sin(Double($0) + 0.5)) }, shape: out.shape)
        try (out * w).sum().backward()
        let originals = checked.map { tensors[$0].scalars }
        let inputs = originals.map { $0.map(Double.init) }
        let analytic: [[Double]?] = checked.map { k in
            (tensors[k].grad?.scalars ?? [Float](repeating: 0, count: tensors[k].numel)).map(Double.init)
        }
        // The step as Float32 arithmetic sees it.
        let steps = inputs.map { Double(Float(step.value(for: $0))) }
        var current = inputs
        func write(_ n: Int, _ values: [Float]) throws {
            let t = tensors[checked[n]]
            try Tensor.noGrad { try t.copy_(try Tensor(values, shape: t.shape)) }
        }
        defer { for n in checked.indices { try? write(n, originals[n]) } }
        let found = try mismatch(inputs: inputs, steps: steps, weights: w.scalars.map(Double.init), analytic: analytic) { xs in
            for n in xs.indices where xs[n] != current[n] {
                try write(n, xs[n].map { Float($0) })
                current[n] = xs[n]
            }
            return try Tensor.noGrad { try f() }.scalars.map(Double.init)
        }
        guard var found else { return nil }
        if found.input >= 0 { found.input = checked[found.input] }
        return "tensor \(found.description.dropFirst("input ".count))"
    }

    /// A leaf tensor of seeded normal values times `scale`, requiring grad: an input for `mismatch`.
    public static func leaf(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        let t = Tensor.randn(shape, generator: Generator(seed: seed)) * scale
        t.requiresGrad = true
        return t
    }

    /// Checks a kernel's forward and backward written over Double arrays: upstream weights from `CheckRandom(seed)`;
    /// `backward(inputs, weights)` returns one gradient per input (nil to skip one). Records an issue naming `what`
    /// when an element is out of bounds.
    public func expect(_ what: String, inputs: [[Double]], seed: UInt64 = 99,
                       forward: ([[Double]]) throws -> [Double],
                       backward: ([[Double]], [Double]) throws -> [[Double]?],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        var rng = CheckRandom(seed)
        let weights = rng.values(try forward(inputs).count)
        let analytic = try backward(inputs, weights)
        let steps = inputs.map { step.value(for: $0) }
        if let found = try mismatch(inputs: inputs, steps: steps, weights: weights, analytic: analytic, forward: forward) {
            Issue.record("\(what): \(found)", sourceLocation: sourceLocation)
        }
    }
}

/// Deterministic pseudo-random Doubles in [-1, 1) (SplitMix64), so checks need no fixtures.
public struct CheckRandom {
    public var state: UInt64

    public init(_ seed: UInt64) { state = seed }

    public mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 52) - 1
    }

    /// `n` values `next() · scale + offset`.
    public mutating func values(_ n: Int, scale: Double = 1, offset: Double = 0) -> [Double] {
        (0 ..< n).map { _ in next() * scale + offset }
    }
}
