import CkptTensor
import Foundation

extension Functions {
    /// Functions of attention and embedding code: `F.scaled_dot_product_attention`, `F.normalize`, `torch.where`, `torch.arange`.
    static let attention: [Function] = [
        [Function("scaled_dot_product_attention", "query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False") { a in
            let q = try a.tensor("query"), k = try a.tensor("key"), v = try a.tensor("value")
            guard q.rank >= 2, k.rank == q.rank, v.rank == q.rank, let e = q.shape.last else {
                throw InterpreterError("scaled_dot_product_attention(): query, key and value must have the same rank, at least 2")
            }
            guard try !a.bool("enable_gqa") else { throw InterpreterError("scaled_dot_product_attention(): enable_gqa is not implemented in ckpt") }
            let scale = try a.optionalDouble("scale") ?? 1 / Double(e).squareRoot()
            var scores = try q.matmul(try k.transpose(-2, -1)) * Float(scale)
            let (l, s) = (q.shape[q.rank - 2], k.shape[k.rank - 2])
            if try a.bool("is_causal") {
                guard a.isNone("attn_mask") else { throw InterpreterError("scaled_dot_product_attention(): is_causal with an attn_mask is an error in PyTorch") }
                let future = try Tensor.ones([l, s]).triu(diagonal: 1).to(.bool)
                scores = try scores.maskedFill(future, -.infinity)
            } else if let mask = try a.optionalTensor("attn_mask") {
                scores = mask.dtype == .bool ? try scores.maskedFill(mask.logicalNot(), -.infinity) : try scores + mask
            }
            var weights = try scores.softmax(dim: -1)
            let p = try a.double("dropout_p")
            if p > 0 { weights = try weights.dropout(p: Float(p), training: true) }
            return .tensor(try weights.matmul(v))
        }],
        [Function("normalize", "input, p=2.0, dim=1, eps=1e-12") { a in
            let x = try a.tensor("input")
            guard try a.double("p") == 2 else { throw InterpreterError("normalize(): only p=2 is implemented in ckpt") }
            let norm = try (x * x).sum(dim: try a.int("dim"), keepdim: true).sqrt()
            return .tensor(try x / norm.clamp(min: Float(try a.double("eps"))))
        }],
        [Function("where", "condition, input, other") { a in
            func operand(_ n: String) throws -> Tensor {
                if case .tensor(let t) = a.value(n) { return t }
                return Tensor(scalar: Float(try a.double(n)))
            }
            return .tensor(try Tensor.where(try a.tensor("condition"), try operand("input"), try operand("other")))
        }],
        [Function("arange", "start, end=None, step=1, dtype=None, device=None") { a in
            let (start, end) = a.isNone("end") ? (0.0, try a.double("start")) : (try a.double("start"), try a.double("end"))
            return .tensor(try Tensor.arange(Float(start), Float(end), step: Float(try a.double("step"))))
        }],
    ].flatMap { $0 }
}
