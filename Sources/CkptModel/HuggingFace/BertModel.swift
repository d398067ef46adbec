import CkptNN
import CkptTensor

/// `BertModel(config)`: `embeddings`, `encoder` (`BertEncoder` with its `layer` list) and `pooler` (`dense`, `Tanh`).
/// The mask hides padded keys (bidirectional; causal when `is_decoder`). Sentence-transformers folders of BERT
/// models (all-MiniLM-L6-v2) are such folders: the same config and weights, plus pooling files ckpt does not read.
public final class BertModel: PretrainedModel {
    public let bert: BertConfig

    public init(_ config: PretrainedConfig) throws {
        bert = try BertConfig(config)
        super.init(config, printedName: "BertModel")
        addModule("embeddings", try BertEmbeddings(bert))
        addModule("encoder", try BertModel.encoder(bert, config: config))
        addModule("pooler", BertPooler(bert))
    }

    /// `BertEncoder(config)`: the `layer` list (run by BertModel).
    static func encoder(_ bert: BertConfig, config: PretrainedConfig) throws -> Module {
        let encoder = Module()
        encoder.printedName = "BertEncoder"
        encoder.addModule("layer", ModuleList(try (0 ..< bert.layers).map { _ in try BertLayer(bert, config: config) }))
        return encoder
    }

    public override var loading: PretrainedLoading { PretrainedLoading(baseModelPrefix: "bert") }
    public override var layerModules: [Module] { self["encoder"]?["layer"]?.namedChildren().map(\.1) ?? [] }

    /// The last hidden state `[B, T, hidden]`.
    public override func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        let embeddings = try child("embeddings", as: BertEmbeddings.self)
        var h = try embeddings.run(ids)
        let mask = try AttentionMask(batch: ids.shape[0], length: ids.shape[1], causal: bert.isDecoder, padding: attentionMask)
        for case let layer as BertLayer in layerModules { h = try layer.run(h, mask: mask) }
        if let encoder = self["encoder"] { _ = hooked(encoder, h) }
        return h
    }

    /// `(last_hidden_state, pooler_output)`.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, mask) = try tokenArguments(args, model: typeName)
        let h = try run(ids: ids, attentionMask: mask)
        return .tuple([.tensor(h), .tensor(try child("pooler")(h))])
    }
}

/// `BertPooler(config)`: `tanh(dense(hidden_states[:, 0]))`.
public final class BertPooler: UnaryModule {
    public init(_ bert: BertConfig) {
        super.init()
        printedName = "BertPooler"
        addModule("dense", Linear(bert.hidden, bert.hidden))
        addModule("activation", Tanh())
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let (dense, activation) = (try child("dense"), try child("activation"))
        return try activation(try dense(try x.select(dim: 1, index: 0)))
    }
}
