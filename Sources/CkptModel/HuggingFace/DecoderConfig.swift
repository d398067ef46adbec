import Foundation

/// The hyper-parameters of the llama family (llama, mistral, qwen2, qwen3), read from `config.json` with each
/// config class's defaults for what the file leaves out. transformers writes these models as copies of Llama's
/// classes (its "modular" files), renamed and with a few differences: Qwen2's q/k/v biases, Qwen3's per-head q/k
/// RMSNorms and own `head_dim` (default 128), Mistral's and Qwen's sliding windows.
public struct DecoderConfig: Sendable {
    /// A model type of the family.
    public enum Family: String, Sendable, CaseIterable {
        case llama, mistral, qwen2, qwen3

        /// The prefix of its class names (`Qwen2` in `Qwen2DecoderLayer`).
        public var prefix: String {
            switch self {
            case .llama: return "Llama"
            case .mistral: return "Mistral"
            case .qwen2: return "Qwen2"
            case .qwen3: return "Qwen3"
            }
        }
    }

    public var family: Family
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var keyValueHeads: Int
    public var headDim: Int
    public var rmsNormEps: Double
    public var hiddenAct: String
    public var maxPositionEmbeddings: Int
    /// Biases of q/k/v and of o (llama's `attention_bias`; Qwen2: q/k/v only).
    public var qkvBias: Bool
    public var outputBias: Bool
    public var mlpBias: Bool
    /// Qwen3's RMSNorm on each query and key head.
    public var headNorms: Bool
    public var tieWordEmbeddings: Bool
    public var padTokenId: Int?
    /// The sliding window of each layer (nil: full causal attention).
    public var slidingWindows: [Int?]
    public var rope: RopeParameters
    public var initializerRange: Double

    /// The largest `head_dim` ckpt builds (real models use 64 to 256): the rotary embedding computes `head_dim / 2`
    /// inverse frequencies even when built for shapes only.
    public static let maxHeadDim = 1 << 16

    /// Reads `config` for `family`.
    public init(_ config: PretrainedConfig, family: Family) throws {
        self.family = family
        vocabSize = try config.size(["vocab_size"])
        hiddenSize = try config.size(["hidden_size"])
        intermediateSize = try config.size(["intermediate_size"])
        layers = try config.layerCount(["num_hidden_layers"])
        heads = try config.size(["num_attention_heads"])
        // Absent, MistralConfig's default is 8; null (or absent elsewhere) means one key/value head per query head.
        let absentDefault = family == .mistral && config.values["num_key_value_heads"] == nil ? 8 : heads
        keyValueHeads = try config.int("num_key_value_heads") ?? absentDefault
        guard heads > 0, keyValueHeads > 0, heads % keyValueHeads == 0 else {
            throw config.error("num_attention_heads (\(heads)) must be a multiple of num_key_value_heads (\(keyValueHeads))")
        }
        headDim = try config.int("head_dim") ?? (family == .qwen3 ? 128 : hiddenSize / heads)
        guard headDim > 0, headDim % 2 == 0 else { throw config.error("head_dim \(headDim) must be even and positive") }
        guard headDim <= Self.maxHeadDim else { throw config.error("head_dim \(headDim) is more than the \(Self.maxHeadDim) ckpt builds") }
        rmsNormEps = try config.double("rms_norm_eps") ?? 1e-6
        hiddenAct = try config.string("hidden_act") ?? "silu"
        maxPositionEmbeddings = try config.int("max_position_embeddings")
            ?? [Family.llama: 2048, .mistral: 131_072, .qwen2: 32768, .qwen3: 32768][family] ?? 2048
        let attentionBias = try config.bool("attention_bias") ?? false
        switch family {
        case .llama, .qwen3: (qkvBias, outputBias) = (attentionBias, attentionBias)
        case .mistral: (qkvBias, outputBias) = (false, false)
        case .qwen2: (qkvBias, outputBias) = (true, false)
        }
        mlpBias = family == .llama ? try config.bool("mlp_bias") ?? false : false
        headNorms = family == .qwen3
        tieWordEmbeddings = try config.bool("tie_word_embeddings") ?? false
        padTokenId = try config.int("pad_token_id")
        slidingWindows = try Self.slidingWindows(config, family: family, layers: layers)
        rope = try RopeParameters(config, maxPositionEmbeddings: maxPositionEmbeddings)
        initializerRange = try config.double("initializer_range") ?? 0.02
        try config.checkWeight(["vocab_size": vocabSize, "hidden_size": hiddenSize])
        try config.checkWeight(["hidden_size": hiddenSize, "intermediate_size": intermediateSize])
        try config.checkWeight(["hidden_size": hiddenSize, "num_attention_heads": heads, "head_dim": headDim])
    }

    /// Mistral applies `sliding_window` (default 4096; null for none) to every layer; Qwen2 and Qwen3 to the layers
    /// `layer_types` calls `sliding_attention` — by default those from `max_window_layers` on, when
    /// `use_sliding_window` is set. Llama has none.
    static func slidingWindows(_ config: PretrainedConfig, family: Family, layers: Int) throws -> [Int?] {
        switch family {
        case .llama:
            return Array(repeating: nil, count: layers)
        case .mistral:
            let window = config.values["sliding_window"] is NSNull ? nil : try config.int("sliding_window") ?? 4096
            return Array(repeating: window, count: layers)
        case .qwen2, .qwen3:
            let use = try config.bool("use_sliding_window") ?? false
            let window = use ? try config.int("sliding_window") ?? 4096 : nil
            let types = try config.strings("layer_types") ?? (0 ..< layers).map { i in
                window != nil && i >= (try? config.int("max_window_layers") ?? 28) ?? 28 ? "sliding_attention" : "full_attention"
            }
            guard types.count >= layers else { throw config.error("'layer_types' lists \(types.count) layers for \(layers)") }
            return types.prefix(layers).map { $0 == "sliding_attention" ? window : nil }
        }
    }
}
