import CkptTensor

// Distances between two inputs.

/// `nn.CosineSimilarity(dim=1, eps=1e-8)`: forward takes two tensors. PyTorch prints it as `CosineSimilarity()`.
public final class CosineSimilarity: Module {
    public static let schema = LayerSchema("CosineSimilarity", "dim=1, eps=1e-08", functional: .named("cosine_similarity", inputs: ["x1", "x2"]),
                                           attributes: { (m: CosineSimilarity) in ["dim": m.dim, "eps": m.eps] }) { a in
        CosineSimilarity(dim: try a["dim"], eps: try a["eps"])
    }
    public override var schema: LayerSchema? { CosineSimilarity.schema }

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

extension LayerSchema {
    /// The distances.
    static let distances: [LayerSchema] = [CosineSimilarity.schema]
}
