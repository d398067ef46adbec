import CkptTensor

/// `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`: weight `[num, dim]` from N(0, 1), the
/// padding row zeroed.
public final class Embedding: UnaryModule {
    public static let schema = LayerSchema("Embedding", "num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, "
                                           + "scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None",
                                           repr: "{num_embeddings}, {embedding_dim}[, padding_idx={padding_idx}]", attributes: { (m: Embedding) in
        ["num_embeddings": m.numEmbeddings, "embedding_dim": m.embeddingDim, "padding_idx": m.paddingIdx]
    }) { a in
        guard !a.isGiven("max_norm") else { throw NNError.notImplemented("Embedding(max_norm=…) is not implemented") }
        return try Embedding(try a["num_embeddings"], try a["embedding_dim"], paddingIdx: try a["padding_idx"])
    }

    public let numEmbeddings: Int
    public let embeddingDim: Int
    public let paddingIdx: Int?

    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil) throws {
        var pad = paddingIdx
        if let p = pad {
            guard p < numEmbeddings, p >= -numEmbeddings else { throw NNError.invalidArgument("Padding_idx must be within num_embeddings") }
            if p < 0 { pad = p + numEmbeddings }
        }
        self.numEmbeddings = numEmbeddings; self.embeddingDim = embeddingDim; self.paddingIdx = pad
        super.init()
        let w = Tensor.randn([numEmbeddings, embeddingDim])
        // Built for shapes only, the weight is untouched zero pages: writing the padding row would touch them.
        if let p = pad, !EngineContext.current.isShapesOnly { for j in 0 ..< embeddingDim { w.buffer[p * embeddingDim + j] = 0 } }
        registerParameter("weight", w)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("Embedding has no weight") }
        return try Tensor.embedding(x, weight: w, paddingIdx: paddingIdx)
    }
}

extension LayerSchema {
    /// The embedding tables.
    static let embeddings: [LayerSchema] = [Embedding.schema]
}
