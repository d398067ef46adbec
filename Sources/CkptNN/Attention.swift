import CkptTensor
import Foundation

/// The Linear PyTorch's MultiheadAttention uses for `out_proj` (same weights, its own class name in print).
public final class NonDynamicallyQuantizableLinear: Linear {
    public override var typeName: String { "NonDynamicallyQuantizableLinear" }
}

/// `nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True)`: parameters `in_proj_weight [3E, E]`,
/// `in_proj_bias [3E]` and `out_proj` (a Linear E → E). `print(model)` shows neither `embed_dim` nor `num_heads`;
/// from a printout `embed_dim` comes from `out_proj`, and running needs `num_heads` written in
/// (`MultiheadAttention(8, 2` … `)`).
public final class MultiheadAttention: Module {
    public let embedDim: Int
    public let numHeads: Int?
    public let batchFirst: Bool

    public init(embedDim: Int, numHeads: Int?, bias: Bool = true, batchFirst: Bool = false) throws {
        guard embedDim > 0 else { throw NNError.invalidArgument("embed_dim must be positive") }
        if let h = numHeads, h <= 0 || embedDim % h != 0 { throw NNError.invalidArgument("embed_dim must be divisible by num_heads") }
        self.embedDim = embedDim; self.numHeads = numHeads; self.batchFirst = batchFirst
        super.init()
        let bound = Float((6.0 / Double(embedDim + 3 * embedDim)).squareRoot())  // xavier_uniform_ on [3E, E]
        registerParameter("in_proj_weight", Tensor.uniform([3 * embedDim, embedDim], low: -bound, high: bound))
        registerParameter("in_proj_bias", bias ? Tensor.zeros([3 * embedDim]) : nil)
        let out = NonDynamicallyQuantizableLinear(embedDim, embedDim, bias: bias)
        if bias, let b = out.bias { b.fill_(0) }
        addModule("out_proj", out)
    }

    /// `attn_output, attn_weights` (weights averaged over heads) for query, key, value `(L, N, E)`
    /// (`(N, L, E)` with batch_first); no masks, no dropout (eval).
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard let h = numHeads else {
            throw NNError.notImplemented("MultiheadAttention: print(model) does not show num_heads; write it as MultiheadAttention(\(embedDim), H")
        }
        guard args.count >= 3 else { throw NNError.invalidArgument("MultiheadAttention.forward() takes query, key, value") }
        guard let w = parameter("in_proj_weight"), let outProj = self["out_proj"] else { throw NNError.invalidArgument("MultiheadAttention has no weights") }
        var (q, k, v) = (try args[0].asTensor("query"), try args[1].asTensor("key"), try args[2].asTensor("value"))
        if batchFirst { (q, k, v) = (try q.transpose(0, 1), try k.transpose(0, 1), try v.transpose(0, 1)) }
        guard q.rank == 3, k.rank == 3, v.rank == 3, q.shape[2] == embedDim else {
            throw NNError.invalidArgument("MultiheadAttention expects (L, N, \(embedDim)) inputs, got \(q.shape)")
        }
        let (l, n, s, e, d) = (q.shape[0], q.shape[1], k.shape[0], embedDim, embedDim / h)
        let b = parameter("in_proj_bias")
        func project(_ x: Tensor, _ i: Int) throws -> Tensor {
            try x.linear(weight: try w.narrow(dim: 0, start: i * e, length: e), bias: try b?.narrow(dim: 0, start: i * e, length: e))
        }
        func heads(_ x: Tensor, _ len: Int) throws -> Tensor { try x.reshape([len, n * h, d]).transpose(0, 1) }   // (N·H, len, d)
        let qh = try heads(try project(q, 0), l) * Float(1 / Double(d).squareRoot())
        let kh = try heads(try project(k, 1), s), vh = try heads(try project(v, 2), s)
        let attn = try qh.bmm(try kh.transpose(1, 2)).softmax(dim: -1)                                       // (N·H, L, S)
        var out = try attn.bmm(vh).transpose(0, 1).reshape([l, n, e])
        out = try outProj(out)
        if batchFirst { out = try out.transpose(0, 1) }
        let weights = try attn.reshape([n, h, l, s]).mean(dim: 1)
        return .tuple([.tensor(out), .tensor(weights)])
    }
}
