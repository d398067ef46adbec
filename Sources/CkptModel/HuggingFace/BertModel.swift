import CkptNN
import CkptTensor

/// `BertModel(config)`: `embeddings`, `encoder` (`BertEncoder` with its `layer` list) and `pooler` (`dense`, `Tanh`).
/// The mask hides padded keys (bidirectional; causal when `is_decoder`). Sentence-transformers folders of BERT
/// models (all-MiniLM-L6-v2) are such folders: the same config and weights, plus pooling files ckpt does not read.
public final class BertModel: Module, PretrainedModel {
    public let config: PretrainedConfig
    public let bert: BertConfig

    public init(_ config: PretrainedConfig) throws {
        self.config = config
        bert = try BertConfig(config)
        super.init()
        printedName = "BertModel"
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

    public var loading: PretrainedLoading { PretrainedLoading(baseModelPrefix: "bert") }
    public var outputKind: PretrainedOutput { .hiddenStates }
    public var layerModules: [Module] { self["encoder"]?["layer"]?.namedChildren().map(\.1) ?? [] }
    public func initializeWeights(only: Set<ObjectIdentifier>?) { initializeTransformersStyle(only: only) }
    public override var forwardParameterNames: [String] { ["input_ids", "attention_mask"] }

    /// `(last_hidden_state, pooler_output)`.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, padding) = try tokenArguments(args, model: typeName)
        guard let embeddings = self["embeddings"] as? BertEmbeddings, let pooler = self["pooler"] as? BertPooler else {
            throw NNError.invalidArgument("BertModel lacks a submodule")
        }
        var h = try embeddings.run(ids)
        let mask = try AttentionMask(batch: ids.shape[0], length: ids.shape[1], causal: bert.isDecoder, padding: padding)
        for case let layer as BertLayer in layerModules { h = try layer.run(h, mask: mask) }
        if let encoder = self["encoder"] { _ = hooked(encoder, h) }
        return .tuple([.tensor(h), .tensor(try pooler(h))])
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
        guard let dense = self["dense"], let activation = self["activation"] else { throw NNError.invalidArgument("BertPooler lacks a submodule") }
        return try activation(try dense(try x.select(dim: 1, index: 0)))
    }
}
