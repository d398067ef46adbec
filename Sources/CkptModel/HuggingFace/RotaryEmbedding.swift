import CkptNN
import CkptTensor

/// transformers' `LlamaRotaryEmbedding` (and each model's copy of it, printed under that model's name:
/// `Qwen2RotaryEmbedding()`): `inv_freq` computed in float32 when the model is built and registered as a
/// non-persistent buffer, with `original_inv_freq` beside it; the forward gives `cos` and `sin` for positions.
public final class RotaryEmbedding: Module {
    public let rope: RopeParameters
    public let dim: Int
    public let maxPositionEmbeddings: Int
    /// The factor cos and sin are scaled by (yarn's attention factor; 1 otherwise).
    public let attentionScaling: Float

    /// The rotary embedding of heads of `dim`, printed as `className()`.
    public init(className: String, rope: RopeParameters, dim: Int, maxPositionEmbeddings: Int) {
        self.rope = rope
        self.dim = dim
        self.maxPositionEmbeddings = maxPositionEmbeddings
        let (inverse, scaling) = rope.inverseFrequencies(dim: dim, maxPositionEmbeddings: maxPositionEmbeddings)
        attentionScaling = scaling
        super.init()
        printedName = className
        registerBuffer("inv_freq", Tensor(inverse), persistent: false)
        registerBuffer("original_inv_freq", Tensor(inverse), persistent: false)
    }

    /// `cos` and `sin`, `[1, length, dim]`, for positions `0 ..< length`: `freqs = position · inv_freq` in float32,
    /// `emb = cat(freqs, freqs)`, times the attention scaling. Dynamic RoPE recomputes `inv_freq` for sequences
    /// longer than `max_position_embeddings`, as transformers' `dynamic_rope_update` does on a fresh model.
    public func cosSin(length: Int) throws -> (cos: Tensor, sin: Tensor) {
        var inverse = buffer("inv_freq")?.scalars ?? []
        if rope.kind == .dynamic, length > maxPositionEmbeddings {
            inverse = rope.inverseFrequencies(dim: dim, maxPositionEmbeddings: maxPositionEmbeddings, seqLen: length).inverse
        }
        let half = inverse.count
        var values = [Float](repeating: 0, count: length * 2 * half)
        for t in 0 ..< length {
            for i in 0 ..< half {
                let f = Float(t) * inverse[i]
                values[t * 2 * half + i] = f
                values[t * 2 * half + half + i] = f
            }
        }
        let emb = try Tensor(values, shape: [1, length, 2 * half])
        guard attentionScaling != 1 else { return (emb.cos(), emb.sin()) }
        return (emb.cos() * attentionScaling, emb.sin() * attentionScaling)
    }

    /// transformers' `apply_rotary_pos_emb` for `x` `[B, heads, T, D]` and `cos`/`sin` `[1, T, D]`:
    /// `x·cos + rotate_half(x)·sin`, where `rotate_half(x) = cat(-x[..., D/2:], x[..., :D/2])`.
    public static func apply(_ x: Tensor, cos: Tensor, sin: Tensor) throws -> Tensor {
        let d = x.shape[x.rank - 1]
        let x1 = try x.narrow(dim: -1, start: 0, length: d / 2), x2 = try x.narrow(dim: -1, start: d / 2, length: d - d / 2)
        let rotated = try Tensor.cat([x2.negated(), x1], dim: -1)
        return try x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1)
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        throw NNError.notImplemented("\(typeName) is run by its model (it gives cos and sin for positions)")
    }
}
