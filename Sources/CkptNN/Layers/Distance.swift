import CkptTensor

// Distances between two inputs.

/// `nn.CosineSimilarity(dim=1, eps=1e-8)`: forward takes two tensors. PyTorch prints it as `CosineSimilarity()`.
public final class CosineSimilarity: Module {
    public static let schema = LayerSchema("CosineSimilarity", "dim=1, eps=1e-08", functional: .named("cosine_similarity", inputs: ["x1", "x2"]),
                                           attributes: { (m: CosineSimilarity) in ["dim": m.dim, "eps": m.eps] }) { a in
        CosineSimilarity(dim: try a["dim"], eps: try a["eps"])
    }

    public let dim: Int
    public let eps: Double
    public init(dim: Int = 1, eps: Double = 1e-8) { self.dim = dim; self.eps = eps; super.init() }
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        try Tensor.cosineSimilarity(x1, x2, dim: dim, eps: Float(eps))
    }
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("CosineSimilarity.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("x1"), try args[1].asTensor("x2")))
    }
}

/// `nn.PairwiseDistance(p=2.0, eps=1e-06, keepdim=False)`: the p-norm of `x1 − x2 + eps` over the last dim, as
/// ATen's `pairwise_distance` computes it (`p=inf` is the largest |difference|, `p=0` counts the nonzero ones). Forward
/// takes two tensors; PyTorch prints it as `PairwiseDistance()`, and `F.pairwise_distance` is its functional form.
public final class PairwiseDistance: Module {
    public static let schema = LayerSchema("PairwiseDistance", "p=2.0, eps=1e-06, keepdim=False",
                                           functional: .named("pairwise_distance", inputs: ["x1", "x2"]),
                                           attributes: { (m: PairwiseDistance) in ["norm": m.p, "eps": m.eps, "keepdim": m.keepdim] }) { a in
        PairwiseDistance(p: try a["p"], eps: try a["eps"], keepdim: try a["keepdim"])
    }

    public let p: Double
    public let eps: Double
    public let keepdim: Bool

    public init(p: Double = 2, eps: Double = 1e-6, keepdim: Bool = false) {
        self.p = p; self.eps = eps; self.keepdim = keepdim
        super.init()
    }

    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        let d = try (x1 - x2) + Float(eps)
        let last = Swift.max(d.rank - 1, 0)
        switch p {
        case .infinity: return try d.abs().max(dim: last, keepdim: keepdim).values
        case 0: return try d.ne(0).to(.float32).sum(dim: last, keepdim: keepdim)
        case 2: return try d.square().sum(dim: last, keepdim: keepdim).sqrt()
        default: return try d.abs().pow(Float(p)).sum(dim: last, keepdim: keepdim).pow(Float(1 / p))
        }
    }

    public override var forwardParameterNames: [String] { ["x1", "x2"] }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("PairwiseDistance.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("x1"), try args[1].asTensor("x2")))
    }
}

extension LayerSchema {
    /// The distances.
    static let distances: [LayerSchema] = [CosineSimilarity.schema, PairwiseDistance.schema]
}
