import CkptNN
import CkptTensor

// transformers' models/gpt2/modeling_gpt2.py (SDPA attention), written with the same ops in the same order.

/// GPT-2's hyper-parameters from `config.json` (`n_embd`, `n_layer`, … with GPT2Config's defaults).
public struct GPT2Config: Sendable {
    public var vocabSize: Int
    public var positions: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var inner: Int
    public var activation: String
    public var layerNormEpsilon: Double
    public var embdPdrop: Double, attnPdrop: Double, residPdrop: Double
    public var scaleAttnWeights: Bool
    public var scaleAttnByInverseLayerIdx: Bool
    public var tieWordEmbeddings: Bool

    public init(_ config: PretrainedConfig) throws {
        vocabSize = try config.size(["vocab_size"], default: 50257)
        positions = try config.size(["n_positions", "max_position_embeddings"], default: 1024)
        hidden = try config.size(["n_embd", "hidden_size"], default: 768)
        layers = try config.layerCount(["n_layer", "num_hidden_layers"], default: 12)
        heads = try config.size(["n_head", "num_attention_heads"], default: 12)
        inner = try config.size(["n_inner"], default: 4 * hidden)
        activation = try config.string("activation_function") ?? "gelu_new"
        layerNormEpsilon = try config.double("layer_norm_epsilon") ?? 1e-5
        embdPdrop = try config.double("embd_pdrop") ?? 0.1
        attnPdrop = try config.double("attn_pdrop") ?? 0.1
        residPdrop = try config.double("resid_pdrop") ?? 0.1
        scaleAttnWeights = try config.bool("scale_attn_weights") ?? true
        scaleAttnByInverseLayerIdx = try config.bool("scale_attn_by_inverse_layer_idx") ?? false
        tieWordEmbeddings = try config.bool("tie_word_embeddings") ?? true
        guard heads > 0, hidden > 0, hidden % heads == 0 else {
            throw config.error("n_embd (\(hidden)) must be a multiple of n_head (\(heads))")
        }
        if try config.bool("add_cross_attention") == true { throw config.error("GPT-2 with cross-attention is not implemented in ckpt") }
        try config.checkWeight(["vocab_size": vocabSize, "n_embd": hidden])
        try config.checkWeight(["n_positions": positions, "n_embd": hidden])
        try config.checkWeight(["n_embd": hidden, "3 × n_embd": 3 * hidden])
        try config.checkWeight(["n_embd": hidden, "n_inner": inner])
    }
}

/// `GPT2Attention(config, layer_idx)`: `c_attn` (q, k, v in one Conv1D), `c_proj`, `attn_dropout`, `resid_dropout`.
public final class GPT2Attention: MaskedBlock {
    public let gpt2: GPT2Config
    /// `layer_idx`, for `scale_attn_by_inverse_layer_idx`.
    public let layerIndex: Int

    public init(_ gpt2: GPT2Config, layerIndex: Int) throws {
        self.gpt2 = gpt2
        self.layerIndex = layerIndex
        super.init(printedName: "GPT2Attention")
        addModule("c_attn", HFConv1D(nf: 3 * gpt2.hidden, nx: gpt2.hidden))
        addModule("c_proj", HFConv1D(nf: gpt2.hidden, nx: gpt2.hidden))
        addModule("attn_dropout", try Dropout(p: gpt2.attnPdrop))
        addModule("resid_dropout", try Dropout(p: gpt2.residPdrop))
    }

    /// The attention output for `x` `[B, T, n_embd]`.
    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        let (cAttn, cProj, drop) = (try child("c_attn"), try child("c_proj"), try child("resid_dropout"))
        let d = gpt2.hidden / gpt2.heads
        let qkv = try cAttn(x).split(gpt2.hidden, dim: 2)
        let (q, k, v) = (try AttentionMask.splitHeads(qkv[0], headDim: d), try AttentionMask.splitHeads(qkv[1], headDim: d),
                         try AttentionMask.splitHeads(qkv[2], headDim: d))
        var scaling = 1.0
        if gpt2.scaleAttnWeights { scaling = 1 / Double(d).squareRoot() }
        if gpt2.scaleAttnByInverseLayerIdx { scaling /= Double(layerIndex + 1) }
        let attended = try mask.attend(query: q, key: k, value: v, scaling: Float(scaling))
        return hooked(self, try drop(try cProj(attended)))
    }
}

/// `GPT2MLP(intermediate_size, config)`: `dropout(c_proj(act(c_fc(x))))`.
public final class GPT2MLP: UnaryModule {
    public init(_ gpt2: GPT2Config, config: PretrainedConfig) throws {
        super.init()
        printedName = "GPT2MLP"
        addModule("c_fc", HFConv1D(nf: gpt2.inner, nx: gpt2.hidden))
        addModule("c_proj", HFConv1D(nf: gpt2.hidden, nx: gpt2.inner))
        addModule("act", try HiddenActivation.module(gpt2.activation, config: config))
        addModule("dropout", try Dropout(p: gpt2.residPdrop))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let (fc, proj, act, drop) = (try child("c_fc"), try child("c_proj"), try child("act"), try child("dropout"))
        return try drop(try proj(try act(try fc(x))))
    }
}

/// `GPT2Block(config, layer_idx)`: `ln_1`, `attn`, `ln_2`, `mlp`, pre-norm residuals.
public final class GPT2Block: MaskedBlock {
    public init(_ gpt2: GPT2Config, layerIndex: Int, config: PretrainedConfig) throws {
        super.init(printedName: "GPT2Block")
        addModule("ln_1", LayerNorm([gpt2.hidden], eps: gpt2.layerNormEpsilon))
        addModule("attn", try GPT2Attention(gpt2, layerIndex: layerIndex))
        addModule("ln_2", LayerNorm([gpt2.hidden], eps: gpt2.layerNormEpsilon))
        addModule("mlp", try GPT2MLP(gpt2, config: config))
    }

    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        let (ln1, attn, ln2, mlp) = (try child("ln_1"), try child("attn", as: GPT2Attention.self), try child("ln_2"), try child("mlp"))
        let h = try attn.run(try ln1(x), mask: mask) + x
        return hooked(self, try h + mlp(try ln2(h)))
    }
}

/// `GPT2Model(config)`: `wte`, `wpe`, `drop`, `h`, `ln_f`; positions `0 ..< T`, a causal mask hiding padded keys.
public final class GPT2Model: PretrainedModel {
    public let gpt2: GPT2Config

    public init(_ config: PretrainedConfig) throws {
        gpt2 = try GPT2Config(config)
        super.init(config, printedName: "GPT2Model")
        addModule("wte", try Embedding(gpt2.vocabSize, gpt2.hidden))
        addModule("wpe", try Embedding(gpt2.positions, gpt2.hidden))
        addModule("drop", try Dropout(p: gpt2.embdPdrop))
        addModule("h", ModuleList(try (0 ..< gpt2.layers).map { try GPT2Block(gpt2, layerIndex: $0, config: config) }))
        addModule("ln_f", LayerNorm([gpt2.hidden], eps: gpt2.layerNormEpsilon))
    }

    public override var loading: PretrainedLoading {
        PretrainedLoading(baseModelPrefix: "transformer", ignoredUnexpected: GPT2Model.ignoredUnexpected)
    }
    /// `_keys_to_ignore_on_load_unexpected` (transformers 5 lists `attn.bias`; 4.x's `attn.masked_bias` too).
    static let ignoredUnexpected = [#"attn\.bias"#, #"attn\.masked_bias"#, #"crossattention\.bias"#]
    public override var layerModules: [Module] { self["h"]?.namedChildren().map(\.1) ?? [] }

    /// GPT-2's `_init_weights`: transformers' defaults, then each `c_proj` weight N(0, std/√(2·n_layer)).
    public override func initializeWeights(only: Set<ObjectIdentifier>? = nil) {
        initializeTransformersStyle(only: only)
        guard !EngineContext.current.isShapesOnly else { return }
        let std = initializerRange / Float(2 * gpt2.layers).squareRoot()
        for block in layerModules {
            for proj in [block["attn"]?["c_proj"], block["mlp"]?["c_proj"]] {
                guard let w = proj?.parameter("weight"), only?.contains(ObjectIdentifier(w)) ?? true else { continue }
                w.normal_(mean: 0, std: std)
            }
        }
    }

    /// The last hidden state `[B, T, n_embd]`.
    public override func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        let (wte, wpe, drop, lnF) = (try child("wte"), try child("wpe"), try child("drop"), try child("ln_f"))
        let (batch, length) = (ids.shape[0], ids.shape[1])
        guard length <= gpt2.positions else {
            throw NNError.invalidArgument("GPT2Model: \(length) tokens is more than n_positions (\(gpt2.positions))")
        }
        let positions = try Tensor(indices: Array(0 ..< length), shape: [1, length])
        var h = try drop(try wte(ids) + wpe(positions))
        let mask = try AttentionMask(batch: batch, length: length, causal: true, padding: attentionMask)
        for case let block as GPT2Block in layerModules { h = try block.run(h, mask: mask) }
        return try lnF(h)
    }

    /// `GPT2LMHeadModel(config)`: `transformer` and `lm_head` (tied to `transformer.wte` unless
    /// `tie_word_embeddings` is false).
    static func lmHead(_ config: PretrainedConfig) throws -> CausalLanguageModel {
        let transformer = try GPT2Model(config)
        return CausalLanguageModel("GPT2LMHeadModel", stack: transformer, named: "transformer", tokenEmbedding: "wte",
                                   hidden: transformer.gpt2.hidden, vocab: transformer.gpt2.vocabSize, tie: transformer.gpt2.tieWordEmbeddings)
    }
}
