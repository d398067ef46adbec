import CkptTestSupport
@testable import CkptTensor

/// The Swift side of `Fixtures/gen/tensor_ops.py`'s `OPS`: the same names and argument keys.
enum OpTable {
    typealias Op = ([Tensor], GoldenArgs) throws -> Tensor

    static func reduction(_ a: GoldenArgs) throws -> Reduction {
        guard let r = Reduction(rawValue: try a.string("reduction")) else { throw FixtureError("bad reduction \(a)") }
        return r
    }

    static func index(_ a: GoldenArgs) throws -> [TensorIndex] {
        try a.list("index").map { item in
            let parts = item as? [Any] ?? []
            switch parts.first as? String {
            case "at": return .at(parts[1] as? Int ?? 0)
            case "slice": return .slice(parts[1] as? Int, parts[2] as? Int, step: parts[3] as? Int ?? 1)
            case "all": return .all
            case "new": return .newAxis
            default: return .ellipsis
            }
        }
    }

    static let table: [String: Op] = [
        "add": { x, _ in try x[0] + x[1] },
        "sub": { x, _ in try x[0] - x[1] },
        "mul": { x, _ in try x[0] * x[1] },
        "div": { x, _ in try x[0] / x[1] },
        "neg": { x, _ in -x[0] },
        "add_scalar": { x, a in x[0] + (try a.float("s")) },
        "sub_scalar": { x, a in x[0] - (try a.float("s")) },
        "rsub_scalar": { x, a in (try a.float("s")) - x[0] },
        "mul_scalar": { x, a in x[0] * (try a.float("s")) },
        "div_scalar": { x, a in x[0] / (try a.float("s")) },
        "rdiv_scalar": { x, a in (try a.float("s")) / x[0] },
        "pow_scalar": { x, a in x[0].pow(try a.float("p")) },
        "pow_tensor": { x, _ in try x[0].pow(x[1]) },
        "exp": { x, _ in x[0].exp() },
        "log": { x, _ in x[0].log() },
        "sqrt": { x, _ in x[0].sqrt() },
        "rsqrt": { x, _ in x[0].rsqrt() },
        "abs": { x, _ in x[0].abs() },
        "square": { x, _ in x[0].square() },
        "reciprocal": { x, _ in x[0].reciprocal() },
        "sin": { x, _ in x[0].sin() },
        "cos": { x, _ in x[0].cos() },
        "log1p": { x, _ in x[0].log1p() },
        "clamp": { x, a in x[0].clamp(min: a.optionalFloat("min"), max: a.optionalFloat("max")) },
        "clone": { x, _ in x[0].clone() },
        "relu": { x, _ in x[0].relu() },
        "leaky_relu": { x, a in x[0].leakyRelu(try a.float("slope")) },
        "elu": { x, a in x[0].elu(alpha: try a.float("alpha")) },
        "gelu": { x, a in x[0].gelu(approximate: try a.string("approximate") == "tanh" ? .tanh : .none) },
        "sigmoid": { x, _ in x[0].sigmoid() },
        "tanh": { x, _ in x[0].tanh() },
        "softplus": { x, a in x[0].softplus(beta: try a.float("beta"), threshold: try a.float("threshold")) },
        "silu": { x, _ in x[0].silu() },
        "softmax": { x, a in try x[0].softmax(dim: a.int("dim")) },
        "log_softmax": { x, a in try x[0].logSoftmax(dim: a.int("dim")) },
        "where": { x, _ in try Tensor.where(x[0], x[1], x[2]) },
        "masked_fill": { x, a in try x[0].maskedFill(x[1], a.float("value")) },
        "triu": { x, a in try x[0].triu(diagonal: a.int("diagonal")) },
        "tril": { x, a in try x[0].tril(diagonal: a.int("diagonal")) },
        "gt": { x, _ in try x[0].gt(x[1]) },
        "le_scalar": { x, a in x[0].le(try a.float("s")) },
        "eq": { x, _ in try x[0].eq(x[1]) },
        "sum": { x, _ in x[0].sum() },
        "sum_dims": { x, a in try x[0].sum(dims: a.ints("dims"), keepdim: a.bool("keepdim")) },
        "logsumexp": { x, a in try x[0].logsumexp(dims: a.ints("dims"), keepdim: a.bool("keepdim")) },
        "mean": { x, _ in x[0].mean() },
        "mean_dims": { x, a in try x[0].mean(dims: a.ints("dims"), keepdim: a.bool("keepdim")) },
        "var": { x, a in try x[0].variance(dims: a.optionalInts("dims"), correction: a.int("correction"), keepdim: a.bool("keepdim")) },
        "std": { x, a in try x[0].std(dims: a.optionalInts("dims"), correction: a.int("correction"), keepdim: a.bool("keepdim")) },
        "max": { x, _ in try x[0].max() },
        "min": { x, _ in try x[0].min() },
        "max_dim": { x, a in try x[0].max(dim: a.int("dim"), keepdim: a.bool("keepdim")).values },
        "min_dim": { x, a in try x[0].min(dim: a.int("dim"), keepdim: a.bool("keepdim")).values },
        "max_dim_indices": { x, a in try x[0].max(dim: a.int("dim"), keepdim: a.bool("keepdim")).indices },
        "argmax": { x, a in try x[0].argmax(dim: a.optionalInt("dim"), keepdim: a.bool("keepdim")) },
        "argmin": { x, a in try x[0].argmin(dim: a.optionalInt("dim"), keepdim: a.bool("keepdim")) },
        "reshape": { x, a in try x[0].reshape(a.ints("shape")) },
        "flatten": { x, a in try x[0].flatten(startDim: a.int("start"), endDim: a.int("end")) },
        "squeeze": { x, _ in x[0].squeeze() },
        "squeeze_dim": { x, a in try x[0].squeeze(a.int("dim")) },
        "unsqueeze": { x, a in try x[0].unsqueeze(a.int("dim")) },
        "transpose": { x, a in try x[0].transpose(a.int("d0"), a.int("d1")) },
        "permute": { x, a in try x[0].permute(a.ints("dims")) },
        "t": { x, _ in try x[0].t() },
        "T": { x, _ in x[0].T },
        "expand": { x, a in try x[0].expand(a.ints("shape")) },
        "index": { x, a in try x[0].index(index(a)) },
        "select": { x, a in try x[0].select(dim: a.int("dim"), index: a.int("i")) },
        "narrow": { x, a in try x[0].narrow(dim: a.int("dim"), start: a.int("start"), length: a.int("length")) },
        "cat": { x, a in try Tensor.cat(x, dim: a.int("dim")) },
        "stack": { x, a in try Tensor.stack(x, dim: a.int("dim")) },
        "split": { x, a in try x[0].split(a.int("size"), dim: a.int("dim"))[a.int("piece")] },
        "split_sizes": { x, a in try x[0].split(sizes: a.ints("sizes"), dim: a.int("dim"))[a.int("piece")] },
        "chunk": { x, a in try x[0].chunk(a.int("chunks"), dim: a.int("dim"))[a.int("piece")] },
        "gather": { x, a in try x[0].gather(dim: a.int("dim"), index: x[1]) },
        "index_select": { x, a in try x[0].indexSelect(dim: a.int("dim"), index: x[1]) },
        "embedding": { x, a in try Tensor.embedding(x[1], weight: x[0], paddingIdx: a.optionalInt("padding_idx")) },
        "mm": { x, _ in try x[0].mm(x[1]) },
        "matmul": { x, _ in try x[0].matmul(x[1]) },
        "bmm": { x, _ in try x[0].bmm(x[1]) },
        "addmm": { x, _ in try Tensor.addmm(x[0], x[1], x[2]) },
        "linear": { x, _ in try x[0].linear(weight: x[1], bias: x.count > 2 ? x[2] : nil) },
        "cosine_similarity": { x, a in try Tensor.cosineSimilarity(x[0], x[1], dim: a.int("dim"), eps: a.float("eps")) },
        "dropout_eval": { x, a in try x[0].dropout(p: a.float("p"), training: false) },
        "mse_loss": { x, a in try Tensor.mseLoss(x[0], x[1], reduction: reduction(a)) },
        "l1_loss": { x, a in try Tensor.l1Loss(x[0], x[1], reduction: reduction(a)) },
        "smooth_l1_loss": { x, a in try Tensor.smoothL1Loss(x[0], x[1], reduction: reduction(a), beta: a.float("beta")) },
        "nll_loss": { x, a in
            try Tensor.nllLoss(x[0], x[1], weight: x.count > 2 ? x[2] : nil, ignoreIndex: a.optionalInt("ignore_index") ?? -100,
                               reduction: reduction(a))
        },
        "cross_entropy": { x, a in
            try Tensor.crossEntropy(x[0], x[1], weight: x.count > 2 ? x[2] : nil, ignoreIndex: a.optionalInt("ignore_index") ?? -100,
                                    reduction: reduction(a), labelSmoothing: a.optionalFloat("label_smoothing") ?? 0)
        },
        "kl_div": { x, a in try Tensor.klDiv(x[0], x[1], reduction: reduction(a), logTarget: a.bool("log_target")) },
        "binary_cross_entropy": { x, a in
            try Tensor.binaryCrossEntropy(x[0], x[1], weight: x.count > 2 ? x[2] : nil, reduction: reduction(a))
        },
        "bce_with_logits": { x, a in
            try Tensor.binaryCrossEntropyWithLogits(x[0], x[1], weight: a.bool("weight") ? x[2] : nil,
                                                    posWeight: a.bool("pos_weight") ? x[x.count - 1] : nil, reduction: reduction(a))
        },
    ]
}
