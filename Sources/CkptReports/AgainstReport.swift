import Foundation

/// What `verify --against OTHER` found comparing the first outputs of two models on the same tokens (CLI.md's
/// `against` object). For next-token logits `[B, T, vocab]`: per position the largest |Δ|, whether the top-1 tokens
/// agree, and KL(A‖B) in nats of the softmax distributions, computed in float64 as llama.cpp's
/// `perplexity --kl-divergence` does; the verdict is mean KL ≤ `max_kl`. For hidden states `[B, T, hidden]`
/// (encoders): per position the largest |Δ| and the cosine similarity; the verdict is max |Δ| ≤ `atol`. Positions
/// the attention mask marks as padding are left out.
public struct AgainstReport: Encodable, Sendable, Equatable {
    public struct Position: Encodable, Sendable, Equatable {
        /// Which sequence of the batch, and which token of it.
        public var sequence: Int
        public var token: Int
        public var maxAbsDiff: Double
        public var top1Agree: Bool?
        public var kl: Double?
        public var cosine: Double?

        enum CodingKeys: String, CodingKey { case sequence, token, maxAbsDiff = "max_abs_diff", top1Agree = "top1_agree", kl, cosine }
    }

    /// The OTHER argument.
    public var other: String
    /// `logits` or `hidden_states`.
    public var kind: String
    public var maxAbsDiff: Double
    public var top1Agreement: Double?
    public var meanKL: Double?
    public var meanCosine: Double?
    public var positions: [Position]
    /// The threshold the verdict used: `max_kl` for logits, `atol` for hidden states.
    public var threshold: Double
    public var ok: Bool
    /// How OTHER loaded.
    public var load: LoadIntoReport?

    enum CodingKeys: String, CodingKey {
        case other, kind, positions, threshold, ok, load
        case maxAbsDiff = "max_abs_diff", top1Agreement = "top1_agreement", meanKL = "mean_kl", meanCosine = "mean_cosine"
    }

    /// Compares two outputs of `shape` `[B, T, N]` (or `[T, N]`), row-major; `mask` (`[B, T]`, nonzero = a real
    /// token) drops padded positions. `logits` chooses the comparison.
    public init(other: String, a: [Float], b: [Float], shape: [Int], mask: [Float]?, logits: Bool, maxKL: Double, atol: Double) {
        self.other = other
        kind = logits ? "logits" : "hidden_states"
        let width = shape.last ?? 1
        let count = width > 0 ? min(a.count, b.count) / width : 0
        let length = Swift.max(shape.count >= 3 ? shape[shape.count - 2] : count, 1)
        var positions: [Position] = []
        for p in 0 ..< count where mask.map({ p < $0.count ? $0[p] != 0 : true }) ?? true {
            let x = a[(p * width) ..< ((p + 1) * width)], y = b[(p * width) ..< ((p + 1) * width)]
            var position = Position(sequence: p / length, token: p % length, maxAbsDiff: zip(x, y).reduce(0.0) { d, pair in
                let delta = abs(Double(pair.0) - Double(pair.1))
                return delta.isNaN ? .infinity : Swift.max(d, delta)
            })
            if logits {
                position.top1Agree = Self.argmax(x) == Self.argmax(y)
                position.kl = Self.kl(x, y)
            } else {
                position.cosine = Self.cosine(x, y)
            }
            positions.append(position)
        }
        self.positions = positions
        maxAbsDiff = positions.map(\.maxAbsDiff).max() ?? 0
        let n = Double(max(positions.count, 1))
        if logits {
            top1Agreement = Double(positions.filter { $0.top1Agree == true }.count) / n
            meanKL = positions.compactMap(\.kl).reduce(0, +) / n
            threshold = maxKL
            ok = (meanKL ?? .infinity) <= maxKL
        } else {
            meanCosine = positions.compactMap(\.cosine).reduce(0, +) / n
            threshold = atol
            ok = maxAbsDiff <= atol
        }
    }

    /// KL(P‖Q) in nats of the softmax distributions of two logit rows, in float64.
    static func kl<C: Collection>(_ x: C, _ y: C) -> Double where C.Element == Float {
        let lp = logSoftmax(x), lq = logSoftmax(y)
        var sum = 0.0
        for (p, q) in zip(lp, lq) where p > -.infinity { sum += Foundation.exp(p) * (p - q) }
        return sum
    }

    static func logSoftmax<C: Collection>(_ x: C) -> [Double] where C.Element == Float {
        let values = x.map(Double.init)
        let m = values.max() ?? 0
        let lse = m + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - m) })
        return values.map { $0 - lse }
    }

    static func argmax<C: Collection>(_ x: C) -> Int where C.Element == Float {
        var best = 0, bestValue = -Float.infinity
        for (i, v) in x.enumerated() where v > bestValue { best = i; bestValue = v }
        return best
    }

    static func cosine<C: Collection>(_ x: C, _ y: C) -> Double where C.Element == Float {
        var dot = 0.0, nx = 0.0, ny = 0.0
        for (u, v) in zip(x, y) { dot += Double(u) * Double(v); nx += Double(u) * Double(u); ny += Double(v) * Double(v) }
        // torch's cosine_similarity clamps each norm at eps = 1e-8.
        return dot / (Swift.max(nx.squareRoot(), 1e-8) * Swift.max(ny.squareRoot(), 1e-8))
    }
}
