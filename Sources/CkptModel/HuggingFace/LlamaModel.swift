import CkptNN
import CkptTensor

/// `LlamaModel(config)` (`MistralModel`, `Qwen2Model`, `Qwen3Model`): `embed_tokens`, `layers`, `norm`,
/// `rotary_emb`. Positions are `0 ..< T` whatever the padding (transformers' default `position_ids`); the mask is
/// causal (with each layer's sliding window) and hides padded keys.
public final class LlamaModel: PretrainedModel {
    public let decoder: DecoderConfig

    public init(_ config: PretrainedConfig, decoder: DecoderConfig) throws {
        self.decoder = decoder
        super.init(config, printedName: decoder.family.prefix + "Model")
        addModule("embed_tokens", try Embedding(decoder.vocabSize, decoder.hiddenSize, paddingIdx: decoder.padTokenId))
        addModule("layers", ModuleList(try (0 ..< decoder.layers).map {
            try LlamaDecoderLayer(decoder, layerIndex: $0, pretrained: config)
        }))
        addModule("norm", try HFRMSNorm(className: decoder.family.prefix + "RMSNorm", shape: [decoder.hiddenSize],
                                        eps: NumberArgument(decoder.rmsNormEps)))
        addModule("rotary_emb", RotaryEmbedding(className: decoder.family.prefix + "RotaryEmbedding", rope: decoder.rope,
                                                dim: decoder.headDim, maxPositionEmbeddings: decoder.maxPositionEmbeddings))
    }

    public override var loading: PretrainedLoading { PretrainedLoading(baseModelPrefix: "model") }
    public override var layerModules: [Module] { self["layers"]?.namedChildren().map(\.1) ?? [] }

    /// The last hidden state `[B, T, hidden]` for token ids `[B, T]`.
    public override func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        let (embed, norm, rotary) = (try child("embed_tokens"), try child("norm"), try child("rotary_emb", as: RotaryEmbedding.self))
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

    /// `LlamaForCausalLM(config)` (`MistralForCausalLM`, `Qwen2ForCausalLM`, `Qwen3ForCausalLM`): `model` and `lm_head`.
    static func causalLM(_ config: PretrainedConfig, decoder: DecoderConfig) throws -> CausalLanguageModel {
        CausalLanguageModel(decoder.family.prefix + "ForCausalLM", stack: try LlamaModel(config, decoder: decoder), named: "model",
                            tokenEmbedding: "embed_tokens", hidden: decoder.hiddenSize, vocab: decoder.vocabSize,
                            tie: decoder.tieWordEmbeddings)
    }
}
