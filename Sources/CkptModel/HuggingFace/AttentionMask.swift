import CkptNN
import CkptTensor

/// Which keys each query may attend to, as transformers' `masking_utils` builds it for SDPA: a bool tensor
/// `[B, 1, T, T]` (1 = attend) from a causal pattern (optionally a sliding window, `kv > q - window`) and a padding
/// mask `[B, T]` (nonzero = a real token), or nil when every query sees every key (no padding, not causal).
public struct AttentionMask {
    public let allowed: Tensor?
    /// Whether some query may attend to no key at all (a left-padded row): SDPA gives such rows zeros.
    public let hasEmptyRows: Bool

    /// The mask for `batch` sequences of `length` tokens.
    public init(batch: Int, length: Int, causal: Bool, slidingWindow: Int? = nil, padding: Tensor? = nil) throws {
        if let padding, padding.shape != [batch, length] {
            throw NNError.invalidArgument("attention_mask of shape \(padding.shape) does not fit input_ids of shape \([batch, length])")
        }
        let keep = padding?.scalars
        guard causal || keep?.contains(0) == true else {
            allowed = nil
            hasEmptyRows = false
            return
        }
        var values = [Float](repeating: 0, count: batch * length * length)
        var empty = false
        for b in 0 ..< batch {
            for q in 0 ..< length {
                var any = false
                for k in 0 ..< length {
                    var ok = !causal || k <= q
                    if let w = slidingWindow, causal { ok = ok && k > q - w }
                    if let keep { ok = ok && keep[b * length + k] != 0 }
                    if ok { values[(b * length + q) * length + k] = 1; any = true }
                }
                if !any { empty = true }
            }
        }
        allowed = try Tensor(values, shape: [batch, 1, length, length], dtype: .bool)
        hasEmptyRows = empty
    }

    /// Most score elements (`[B, H, rows, S]`) one block of queries computes at once when no gradient is recorded: a
    /// long prompt's `[T, T]` scores per head are never all alive (32 MiB of scores, a few times that in temporaries).
    public static let scoreBudget = 1 << 23

    /// `F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=scaling)` with grouped-query attention:
    /// `q` `[B, H, T, D]`, `k` and `v` `[B, KV, S, D]` whose heads repeat `H / KV` times (transformers' `repeat_kv`).
    /// Masked scores are -inf before the softmax; a query with no key to attend gets zeros, as SDPA gives. The result
    /// is `[B, T, H·D]`, heads merged as transformers' `attn_output.transpose(1, 2).reshape(*input_shape, -1)`.
    /// Without grad the queries go in blocks of rows whose scores fit `budget` elements (each row's softmax is its
    /// own, so the result is the same).
    public func attend(query q: Tensor, key k: Tensor, value v: Tensor, scaling: Float, budget: Int = scoreBudget) throws -> Tensor {
        let (batch, heads, length, dim) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let groups = heads / k.shape[1]
        let keys = try Self.repeatKV(k, groups), values = try Self.repeatKV(v, groups)
        let keysT = try keys.transpose(-2, -1)
        let recording = EngineContext.current.isGradEnabled && [q, k, v].contains(where: \.requiresGrad)
        let rows = recording ? length : Swift.max(1, budget / Swift.max(1, batch * heads * keys.shape[2]))
        let out: Tensor
        if rows >= length {
            out = try attendBlock(q, keysT, values, mask: allowed, scaling: scaling)
        } else {
            var parts: [Tensor] = []
            for start in stride(from: 0, to: length, by: rows) {
                let n = Swift.min(rows, length - start)
                parts.append(try attendBlock(q.narrow(dim: 2, start: start, length: n), keysT, values,
                                             mask: allowed?.narrow(dim: 2, start: start, length: n), scaling: scaling))
            }
            out = try Tensor.cat(parts, dim: 2)
        }
        return try out.transpose(1, 2).reshape([batch, length, heads * dim])
    }

    /// Attention of the queries `q` `[B, H, rows, D]` over keys given transposed `[B, H, D, S]`, with their mask rows.
    private func attendBlock(_ q: Tensor, _ keysT: Tensor, _ values: Tensor, mask: Tensor?, scaling: Float) throws -> Tensor {
        var scores = try q.matmul(keysT) * scaling
        if let mask { scores = try scores.maskedFill(mask.logicalNot(), -.infinity) }
        var weights = try scores.softmax(dim: -1)
        if hasEmptyRows, let mask {
            let attends = try mask.sum(dim: -1, keepdim: true).gt(0)
            weights = try Tensor.where(attends, weights, Tensor(scalar: 0))
        }
        return try weights.matmul(values)
    }

    /// `[B, KV, S, D]` → `[B, KV·n, S, D]`, each key/value head repeated `n` times in place.
    static func repeatKV(_ x: Tensor, _ n: Int) throws -> Tensor {
        guard n > 1 else { return x }
        let (b, kv, s, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        return try x.unsqueeze(2).expand([b, kv, n, s, d]).reshape([b, kv * n, s, d])
    }

    /// `x` `[B, T, H·D]` → `[B, H, T, D]` (transformers' `.view(*input_shape, -1, head_dim).transpose(1, 2)`).
    static func splitHeads(_ x: Tensor, headDim: Int) throws -> Tensor {
        try x.reshape([x.shape[0], x.shape[1], -1, headDim]).transpose(1, 2)
    }
}
