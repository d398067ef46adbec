import CkptNN
import CkptTensor

/// `LlamaModel(config)` (`MistralModel`, `Qwen2Model`, `Qwen3Model`): `embed_tokens`, `layers`, `norm`,
/// `rotary_emb`. Positions are `0 ..< T` whatever the padding (transformers' default `position_ids`); the mask is
/// causal (with each layer's sliding window) and hides padded keys.
public final class LlamaModel: Module, PretrainedModel {
    public let config: PretrainedConfig
    public let decoder: DecoderConfig

    public init(_ config: PretrainedConfig, decoder: DecoderConfig) throws {
        self.config = config
        self.decoder = decoder
        super.init()
        printedName = decoder.family.prefix + "Model"
        addModule("embed_tokens", try Embedding(decoder.vocabSize, decoder.hiddenSize, paddingIdx: decoder.padTokenId))
        addModule("layers", ModuleList(try (0 ..< decoder.layers).map {
            try LlamaDecoderLayer(decoder, layerIndex: $0, pretrained: config)
        }))
        addModule("norm", try HFRMSNorm(className: decoder.family.prefix + "RMSNorm", shape: [decoder.hiddenSize],
                                        eps: NumberArgument(decoder.rmsNormEps)))
        addModule("rotary_emb", RotaryEmbedding(className: decoder.family.prefix + "RotaryEmbedding", rope: decoder.rope,
                                                dim: decoder.headDim, maxPositionEmbeddings: decoder.maxPositionEmbeddings))
    }

    public var loading: PretrainedLoading { PretrainedLoading(baseModelPrefix: "model") }
    public var outputKind: PretrainedOutput { .hiddenStates }
    public var layerModules: [Module] { self["layers"]?.namedChildren().map(\.1) ?? [] }
    public func initializeWeights(only: Set<ObjectIdentifier>?) { initializeTransformersStyle(only: only) }
    public override var forwardParameterNames: [String] { ["input_ids", "attention_mask"] }

    /// The last hidden state `[B, T, hidden]` for token ids `[B, T]`.
    public func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        guard let embed = self["embed_tokens"], let norm = self["norm"], let rotary = self["rotary_emb"] as? RotaryEmbedding else {
            throw NNError.invalidArgument("\(typeName) lacks a submodule")
        }
        let (batch, length) = (ids.shape[0], ids.shape[1])
        var h = try embed(ids)
        let (cos, sin) = try rotary.cosSin(length: length)
        var masks: [Int?: AttentionMask] = [:]
        for case let layer as LlamaDecoderLayer in layerModules {
            let window = decoder.slidingWindows[layer.layerIndex]
            let mask = try masks[window] ?? AttentionMask(batch: batch, length: length, causal: true, slidingWindow: window,
                                                          padding: attentionMask)
            masks[window] = mask
            h = try layer.run(h, cos: cos, sin: sin, mask: mask)
        }
        return try norm(h)
    }

    /// `(last_hidden_state,)`.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, mask) = try tokenArguments(args, model: typeName)
        return .tuple([.tensor(try run(ids: ids, attentionMask: mask))])
    }
}

/// `LlamaForCausalLM(config)` (`MistralForCausalLM`, `Qwen2ForCausalLM`, `Qwen3ForCausalLM`): `model` and
/// `lm_head`, whose weight is the embedding's when `tie_word_embeddings` is set.
public final class LlamaForCausalLM: Module, PretrainedModel {
    public let config: PretrainedConfig
    public let decoder: DecoderConfig

    public init(_ config: PretrainedConfig, decoder: DecoderConfig) throws {
        self.config = config
        self.decoder = decoder
        super.init()
        printedName = decoder.family.prefix + "ForCausalLM"
        let model = try LlamaModel(config, decoder: decoder)
        addModule("model", model)
        let head = Linear(decoder.hiddenSize, decoder.vocabSize, bias: false)
        addModule("lm_head", head)
        if decoder.tieWordEmbeddings, let embedding = model["embed_tokens"]?.parameter("weight") {
            head.registerParameter("weight", embedding)
        }
    }

    public var loading: PretrainedLoading {
        PretrainedLoading(baseModelPrefix: "model", tied: decoder.tieWordEmbeddings ? ["lm_head.weight": "model.embed_tokens.weight"] : [:])
    }
    public var outputKind: PretrainedOutput { .logits }
    public var layerModules: [Module] { (self["model"] as? LlamaModel)?.layerModules ?? [] }
    public func initializeWeights(only: Set<ObjectIdentifier>?) { initializeTransformersStyle(only: only) }
    public override var forwardParameterNames: [String] { ["input_ids", "attention_mask"] }

    /// `(logits,)`: `[B, T, vocab]`.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, mask) = try tokenArguments(args, model: typeName)
        guard let model = self["model"] as? LlamaModel, let head = self["lm_head"] else {
            throw NNError.invalidArgument("\(typeName) lacks a submodule")
        }
        let hidden = hooked(model, try model.run(ids: ids, attentionMask: mask))
        return .tuple([.tensor(try head(hidden))])
    }
}
