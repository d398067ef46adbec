import CkptNN
import CkptTensor

// transformers' models/llama/modeling_llama.py — and its copies for Mistral, Qwen2 and Qwen3, printed under their
// names — written with the same ops in the same order. One decoder layer: RMSNorm, grouped-query attention with
// rotary embeddings, residual; RMSNorm, SwiGLU MLP, residual.

/// `LlamaAttention(config, layer_idx)`: `q_proj`, `k_proj`, `v_proj`, `o_proj` (and Qwen3's `q_norm`, `k_norm`,
/// RMSNorms over each head), scaled by `head_dim ** -0.5`, over `num_key_value_heads` shared by groups of heads.
public final class LlamaAttention: MaskedBlock {
    public let config: DecoderConfig

    public init(_ config: DecoderConfig) throws {
        self.config = config
        super.init(printedName: config.family.prefix + "Attention")
        let (h, d, kv) = (config.hiddenSize, config.headDim, config.keyValueHeads)
        addModule("q_proj", Linear(h, config.heads * d, bias: config.qkvBias))
        addModule("k_proj", Linear(h, kv * d, bias: config.qkvBias))
        addModule("v_proj", Linear(h, kv * d, bias: config.qkvBias))
        addModule("o_proj", Linear(config.heads * d, h, bias: config.outputBias))
        if config.headNorms {
            let norm = config.family.prefix + "RMSNorm"
            addModule("q_norm", try HFRMSNorm(className: norm, shape: [d], eps: NumberArgument(config.rmsNormEps)))
            addModule("k_norm", try HFRMSNorm(className: norm, shape: [d], eps: NumberArgument(config.rmsNormEps)))
        }
    }

    /// The attention output `[B, T, hidden]` for `x` `[B, T, hidden]`, rotary `cos`/`sin` `[1, T, head_dim]` and
    /// the mask of this layer.
    public func run(_ x: Tensor, cos: Tensor, sin: Tensor, mask: AttentionMask) throws -> Tensor {
        let (q, k, v, o) = (try child("q_proj"), try child("k_proj"), try child("v_proj"), try child("o_proj"))
        let d = config.headDim
        var query = try q(x).reshape([x.shape[0], x.shape[1], -1, d])
        var key = try k(x).reshape([x.shape[0], x.shape[1], -1, d])
        if let qn = self["q_norm"], let kn = self["k_norm"] { query = try qn(query); key = try kn(key) }
        query = try RotaryEmbedding.apply(query.transpose(1, 2), cos: cos, sin: sin)
        key = try RotaryEmbedding.apply(key.transpose(1, 2), cos: cos, sin: sin)
        let value = try AttentionMask.splitHeads(v(x), headDim: d)
        let scaling = Float(1 / Double(d).squareRoot())
        let attended = try mask.attend(query: query, key: key, value: value, scaling: scaling)
        return hooked(self, try o(attended))
    }
}

/// `LlamaMLP(config)`: `down_proj(act_fn(gate_proj(x)) * up_proj(x))` (SwiGLU with `hidden_act` silu).
public final class LlamaMLP: UnaryModule {
    public init(_ config: DecoderConfig, activation: Module) {
        super.init()
        printedName = config.family.prefix + "MLP"
        let (h, i) = (config.hiddenSize, config.intermediateSize)
        addModule("gate_proj", Linear(h, i, bias: config.mlpBias))
        addModule("up_proj", Linear(h, i, bias: config.mlpBias))
        addModule("down_proj", Linear(i, h, bias: config.mlpBias))
        addModule("act_fn", activation)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let (gate, up, down, act) = (try child("gate_proj"), try child("up_proj"), try child("down_proj"), try child("act_fn"))
        return try down(try act(gate(x)) * up(x))
    }
}

/// `LlamaDecoderLayer(config, layer_idx)`: `self_attn`, `mlp`, `input_layernorm`, `post_attention_layernorm`.
public final class LlamaDecoderLayer: MaskedBlock {
    /// `layer_idx`: which of the config's attention windows (`layer_types`) this layer uses.
    public let layerIndex: Int

    public init(_ config: DecoderConfig, layerIndex: Int, pretrained: PretrainedConfig) throws {
        self.layerIndex = layerIndex
        super.init(printedName: config.family.prefix + "DecoderLayer")
        let norm = config.family.prefix + "RMSNorm"
        addModule("self_attn", try LlamaAttention(config))
        addModule("mlp", LlamaMLP(config, activation: try HiddenActivation.module(config.hiddenAct, config: pretrained)))
        addModule("input_layernorm", try HFRMSNorm(className: norm, shape: [config.hiddenSize], eps: NumberArgument(config.rmsNormEps)))
        addModule("post_attention_layernorm", try HFRMSNorm(className: norm, shape: [config.hiddenSize], eps: NumberArgument(config.rmsNormEps)))
    }

    /// The layer's output for hidden states `[B, T, hidden]`.
    public func run(_ x: Tensor, cos: Tensor, sin: Tensor, mask: AttentionMask) throws -> Tensor {
        let attention = try child("self_attn", as: LlamaAttention.self)
        let (mlp, norm1, norm2) = (try child("mlp"), try child("input_layernorm"), try child("post_attention_layernorm"))
        let h = try x + attention.run(try norm1(x), cos: cos, sin: sin, mask: mask)
        return hooked(self, try h + mlp(try norm2(h)))
    }
}
