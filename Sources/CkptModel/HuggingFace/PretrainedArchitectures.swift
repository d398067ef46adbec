import CkptNN

/// The architectures ckpt builds from a Hugging Face `config.json`: by `model_type`, the class `architectures[0]`
/// names (or the type's usual one), with transformers' module tree, keys, ties and forward.
public enum PretrainedArchitectures {
    /// The `model_type`s ckpt builds.
    public static let modelTypes = ["llama", "mistral", "qwen2", "qwen3", "gpt2", "bert"]

    /// The classes ckpt builds for a model type, the usual one first.
    public static func classes(modelType: String) -> [String] {
        if let family = DecoderConfig.Family(rawValue: modelType) { return [family.prefix + "ForCausalLM", family.prefix + "Model"] }
        switch modelType {
        case "gpt2": return ["GPT2LMHeadModel", "GPT2Model"]
        case "bert": return ["BertModel"]
        default: return []
        }
    }

    /// Builds the model `config` describes: the class `architectures[0]` names, else the type's usual one.
    public static func build(_ config: PretrainedConfig) throws -> Module {
        let type = try modelType(config)
        let known = classes(modelType: type)
        let name = config.architectures.first ?? known[0]
        guard known.contains(name) else {
            throw config.error("architecture '\(name)' (model_type '\(type)') is not one ckpt builds (\(known.joined(separator: ", ")))")
        }
        return try build(name, config)
    }

    /// The classes a printout of such a model may name, as layers built from `config`: a printout plus `config.json`
    /// builds its transformers classes as ckpt's, with what the printout does not show taken from the config.
    public static func schemas(_ config: PretrainedConfig) throws -> [LayerSchema] {
        let type = try modelType(config)
        var names = classes(modelType: type)
        if let family = DecoderConfig.Family(rawValue: type) {
            let p = family.prefix
            names += ["\(p)DecoderLayer", "\(p)Attention", "\(p)SdpaAttention", "\(p)FlashAttention2", "\(p)MLP", "\(p)RotaryEmbedding"]
        } else if type == "gpt2" {
            names += ["GPT2Block", "GPT2Attention", "GPT2MLP"]
        } else if type == "bert" {
            names += ["BertEmbeddings", "BertEncoder", "BertLayer", "BertAttention", "BertSelfAttention", "BertSelfOutput",
                      "BertIntermediate", "BertOutput", "BertPooler"]
        }
        return names.map { name in LayerSchema(name, "", children: .built) { _ -> Module in try build(name, config) } }
    }

    /// The supported `model_type` of `config`, or the one-line error listing them.
    static func modelType(_ config: PretrainedConfig) throws -> String {
        guard let type = config.modelType else { throw config.error("no 'model_type' (supported: \(modelTypes.joined(separator: ", ")))") }
        guard modelTypes.contains(type) else {
            throw config.error("model_type '\(type)' is not one ckpt builds (supported: \(modelTypes.joined(separator: ", ")))")
        }
        return type
    }

    /// Builds class `name` (a model or one of its parts) from `config`.
    static func build(_ name: String, _ config: PretrainedConfig) throws -> Module {
        let type = try modelType(config)
        if let family = DecoderConfig.Family(rawValue: type) {
            let decoder = try DecoderConfig(config, family: family)
            let p = family.prefix
            switch name {
            case "\(p)ForCausalLM": return try LlamaModel.causalLM(config, decoder: decoder)
            case "\(p)Model": return try LlamaModel(config, decoder: decoder)
            case "\(p)DecoderLayer", "\(p)Attention", "\(p)SdpaAttention", "\(p)FlashAttention2":
                guard Set(decoder.slidingWindows.map { $0 ?? -1 }).count <= 1 else {
                    throw config.error("\(name) alone: the config's layers differ (layer_types); build the whole model")
                }
                if name == "\(p)DecoderLayer" { return try LlamaDecoderLayer(decoder, layerIndex: 0, pretrained: config) }
                return try LlamaAttention(decoder)
            case "\(p)MLP": return LlamaMLP(decoder, activation: try HiddenActivation.module(decoder.hiddenAct, config: config))
            case "\(p)RotaryEmbedding":
                return RotaryEmbedding(className: name, rope: decoder.rope, dim: decoder.headDim, maxPositionEmbeddings: decoder.maxPositionEmbeddings)
            default: break
            }
        } else if type == "gpt2" {
            let gpt2 = try GPT2Config(config)
            if name.hasPrefix("GPT2Block") || name == "GPT2Attention", gpt2.scaleAttnByInverseLayerIdx {
                throw config.error("\(name) alone: scale_attn_by_inverse_layer_idx needs its layer index; build the whole model")
            }
            switch name {
            case "GPT2LMHeadModel": return try GPT2Model.lmHead(config)
            case "GPT2Model": return try GPT2Model(config)
            case "GPT2Block": return try GPT2Block(gpt2, layerIndex: 0, config: config)
            case "GPT2Attention": return try GPT2Attention(gpt2, layerIndex: 0)
            case "GPT2MLP": return try GPT2MLP(gpt2, config: config)
            default: break
            }
        } else if type == "bert" {
            let bert = try BertConfig(config)
            switch name {
            case "BertModel": return try BertModel(config)
            case "BertEmbeddings": return try BertEmbeddings(bert)
            case "BertEncoder": return try BertModel.encoder(bert, config: config)
            case "BertLayer": return try BertLayer(bert, config: config)
            case "BertAttention": return try BertAttention(bert)
            case "BertSelfAttention": return try BertSelfAttention(bert)
            case "BertSelfOutput": return try BertResidualOutput(className: name, input: bert.hidden, bert)
            case "BertIntermediate": return try BertIntermediate(bert, config: config)
            case "BertOutput": return try BertResidualOutput(className: name, input: bert.intermediate, bert)
            case "BertPooler": return BertPooler(bert)
            default: break
            }
        }
        throw config.error("'\(name)' is not a class ckpt builds for model_type '\(type)'")
    }
}
