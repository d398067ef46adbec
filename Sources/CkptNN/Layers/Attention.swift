import CkptTensor
import Foundation

/// `nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True)`: parameters `in_proj_weight [3E, E]`,
/// `in_proj_bias [3E]` and `out_proj` (a Linear E → E). `print(model)` shows neither `embed_dim` nor `num_heads`;
/// from a printout `embed_dim` comes from `out_proj`, and running needs `num_heads` written in
/// (`MultiheadAttention(8, 2` … `)`).
public final class MultiheadAttention: Module {
    /// PyTorch's signature, but `embed_dim` and `num_heads` may be left out of a printout: the size comes from the
    /// printed `out_proj`, and the head count only from what is written in.
    public static let schema = LayerSchema("MultiheadAttention", "embed_dim=None, num_heads=None, dropout=0.0, bias=True, add_bias_kv=False, "
                                           + "add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None, dtype=None",
                                           attributes: { (m: MultiheadAttention) in
        ["embed_dim": m.embedDim, "num_heads": m.numHeads, "head_dim": m.numHeads.map { m.embedDim / $0 }, "dropout": m.dropout,
         "batch_first": m.batchFirst]
    }) { a in
        guard let embed: Int = try a["embed_dim"] ?? a.children["out_proj"]?["in_features"] else {
            throw NNError.invalidArgument("MultiheadAttention needs embed_dim (or its printed out_proj)")
        }
        if try a["add_bias_kv"] as Bool || a.isGiven("kdim") || a.isGiven("vdim") {
            throw NNError.notImplemented("MultiheadAttention with add_bias_kv, kdim or vdim is not implemented")
        }
        return try MultiheadAttention(embedDim: embed, numHeads: try a["num_heads"], dropout: try a["dropout"], bias: try a["bias"],
                                      batchFirst: try a["batch_first"])
    }

    public let embedDim: Int
    public let numHeads: Int?
    public let batchFirst: Bool
    /// Dropout on the attention weights in training.
    public let dropout: Double

    public init(embedDim: Int, numHeads: Int?, dropout: Double = 0, bias: Bool = true, batchFirst: Bool = false) throws {
        guard embedDim > 0 else { throw NNError.invalidArgument("embed_dim must be positive") }
        if let h = numHeads, h <= 0 || embedDim % h != 0 { throw NNError.invalidArgument("embed_dim must be divisible by num_heads") }
        guard (0 ... 1).contains(dropout) else { throw NNError.invalidArgument("dropout probability has to be between 0 and 1, but got \(dropout)") }
        try LayerArguments.checkSquaredSize(embedDim, callee: "MultiheadAttention")
        self.embedDim = embedDim; self.numHeads = numHeads; self.batchFirst = batchFirst; self.dropout = dropout
        super.init()
        let bound = Float((6.0 / Double(embedDim + 3 * embedDim)).squareRoot())  // xavier_uniform_ on [3E, E]
        registerParameter("in_proj_weight", Tensor.uniform([3 * embedDim, embedDim], low: -bound, high: bound))
        registerParameter("in_proj_bias", bias ? Tensor.zeros([3 * embedDim]) : nil)
        let out = NonDynamicallyQuantizableLinear(embedDim, embedDim, bias: bias)
        if bias, let b = out.bias { b.fill_(0) }
        addModule("out_proj", out)
    }

    public override var forwardParameterNames: [String] {
        ["query", "key", "value", "key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal"]
    }

    /// `attn_output, attn_weights` for query `(L, N, E)`, key and value `(S, N, E)` (`(N, L, E)` with batch_first,
    /// `(L, E)` unbatched). Masks as PyTorch's: `key_padding_mask (N, S)` and `attn_mask (L, S)` or `(N·H, L, S)`,
    /// bool (True = not attended) or float (added to the scores). The weights are averaged over heads unless
    /// `average_attn_weights` is False, and None when `need_weights` is False.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard let h = numHeads else {
            throw NNError.notImplemented("MultiheadAttention: print(model) does not show num_heads; write it as MultiheadAttention(\(embedDim), H")
        }
        guard (3 ... 8).contains(args.count) else { throw NNError.invalidArgument("MultiheadAttention.forward() takes query, key, value and options") }
        func arg(_ i: Int) -> ModuleValue { i < args.count ? args[i] : .none }
        func flag(_ i: Int, _ name: String, default d: Bool) throws -> Bool {
            switch arg(i) {
            case .none: return d
            case .bool(let b): return b
            default: throw NNError.invalidArgument("MultiheadAttention: \(name) must be a bool, got \(arg(i).kindName)")
            }
        }
        guard let w = parameter("in_proj_weight"), let outProj = self["out_proj"] else { throw NNError.invalidArgument("MultiheadAttention has no weights") }
        var (q, k, v) = (try args[0].asTensor("query"), try args[1].asTensor("key"), try args[2].asTensor("value"))
        var keyPadding = try arg(3).asOptionalTensor("key_padding_mask")
        let needWeights = try flag(4, "need_weights", default: true)
        let attnMask = try arg(5).asOptionalTensor("attn_mask")
        let average = try flag(6, "average_attn_weights", default: true)
        if try flag(7, "is_causal", default: false), attnMask == nil {
            throw NNError.invalidArgument("Need attn_mask if specifying the is_causal hint")
        }
        let batched = q.rank == 3
        if !batched {
            (q, k, v) = (try q.unsqueeze(1), try k.unsqueeze(1), try v.unsqueeze(1))
            keyPadding = try keyPadding?.unsqueeze(0)
        } else if batchFirst {
            (q, k, v) = (try q.transpose(0, 1), try k.transpose(0, 1), try v.transpose(0, 1))
        }
        guard q.rank == 3, k.rank == 3, v.rank == 3, q.shape[2] == embedDim, k.shape == v.shape, k.shape[1] == q.shape[1] else {
            throw NNError.invalidArgument("MultiheadAttention expects query (L, N, \(embedDim)) and key, value (S, N, \(embedDim)); got \(q.shape), \(k.shape), \(v.shape)")
        }
        let (l, n, s, e, d) = (q.shape[0], q.shape[1], k.shape[0], embedDim, embedDim / h)
        let b = parameter("in_proj_bias")
        func project(_ x: Tensor, _ i: Int) throws -> Tensor {
            try x.linear(weight: try w.narrow(dim: 0, start: i * e, length: e), bias: try b?.narrow(dim: 0, start: i * e, length: e))
        }
        func heads(_ x: Tensor, _ len: Int) throws -> Tensor { try x.reshape([len, n * h, d]).transpose(0, 1) }   // (N·H, len, d)
        let qh = try heads(try project(q, 0), l) * Float(1 / Double(d).squareRoot())
        let kh = try heads(try project(k, 1), s), vh = try heads(try project(v, 2), s)
        var scores = try qh.bmm(try kh.transpose(1, 2))                                                       // (N·H, L, S)
        if let m = attnMask {
            guard m.shape == [l, s] || m.shape == [n * h, l, s] else {
                throw NNError.invalidArgument("attn_mask should have shape \([l, s]) or \([n * h, l, s]), got \(m.shape)")
            }
            scores = try MultiheadAttention.applyMask(scores, m)
        }
        if let m = keyPadding {
            guard m.shape == [n, s] else { throw NNError.invalidArgument("key_padding_mask should have shape \([n, s]), got \(m.shape)") }
            let perHead = try m.reshape([n, 1, 1, s]).expand([n, h, 1, s]).reshape([n * h, 1, s])
            scores = try MultiheadAttention.applyMask(scores, perHead)
        }
        var attn = try scores.softmax(dim: -1)
        if training && dropout > 0 { attn = try attn.dropout(p: Float(dropout), training: true) }
        var out = try attn.bmm(vh).transpose(0, 1).reshape([l, n, e])
        out = try outProj(out)
        if !batched { out = try out.squeeze(1) } else if batchFirst { out = try out.transpose(0, 1) }
        guard needWeights else { return .tuple([.tensor(out), .none]) }
        var weights = try attn.reshape([n, h, l, s])
        if average { weights = try weights.mean(dim: 1) }
        if !batched { weights = try weights.squeeze(0) }
        return .tuple([.tensor(out), .tensor(weights)])
    }

    /// Scores with a mask applied as PyTorch does: a bool mask sets its True places to -inf, a float mask is added.
    static func applyMask(_ scores: Tensor, _ mask: Tensor) throws -> Tensor {
        mask.dtype == .bool ? try scores.maskedFill(mask, -.infinity) : try scores + mask
    }
}

extension LayerSchema {
    /// The attention.
    static let attention: [LayerSchema] = [MultiheadAttention.schema]
}
