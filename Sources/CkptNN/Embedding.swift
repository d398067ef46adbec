import CkptTensor

/// `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`: weight `[num, dim]` from N(0, 1), the
/// padding row zeroed.
public final class Embedding: UnaryModule {
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
        if let p = pad { for j in 0 ..< embeddingDim { w.buffer[p * embeddingDim + j] = 0 } }
        registerParameter("weight", w)
    }

    public override var extraRepr: String { "\(numEmbeddings), \(embeddingDim)" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "") }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("Embedding has no weight") }
        return try Tensor.embedding(x, weight: w, paddingIdx: paddingIdx)
    }
}

/// `nn.Dropout(p=0.5, inplace=False)`: identity in eval mode.
public final class Dropout: UnaryModule {
    public let p: Double
    public let inplace: Bool
    public init(p: Double = 0.5, inplace: Bool = false) throws {
        guard (0 ... 1).contains(p) else { throw NNError.invalidArgument("dropout probability has to be between 0 and 1, but got \(p)") }
        self.p = p; self.inplace = inplace
        super.init()
    }
    public override var extraRepr: String { "p=\(Module.floatRepr(p)), inplace=\(inplace ? "True" : "False")" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.dropout(p: Float(p), training: training) }
}
