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
        vocabSize = try config.int("vocab_size") ?? 50257
        positions = try config.int(["n_positions", "max_position_embeddings"]) ?? 1024
        hidden = try config.int(["n_embd", "hidden_size"]) ?? 768
        layers = try config.int(["n_layer", "num_hidden_layers"]) ?? 12
        heads = try config.int(["n_head", "num_attention_heads"]) ?? 12
        inner = try config.int("n_inner") ?? 4 * hidden
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
    }
}

/// `GPT2Attention(config, layer_idx)`: `c_attn` (q, k, v in one Conv1D), `c_proj`, `attn_dropout`, `resid_dropout`.
public final class GPT2Attention: Module {
    public let gpt2: GPT2Config
    public let layerIndex: Int

    public init(_ gpt2: GPT2Config, layerIndex: Int) throws {
        self.gpt2 = gpt2
        self.layerIndex = layerIndex
        super.init()
        printedName = "GPT2Attention"
        addModule("c_attn", HFConv1D(nf: 3 * gpt2.hidden, nx: gpt2.hidden))
        addModule("c_proj", HFConv1D(nf: gpt2.hidden, nx: gpt2.hidden))
        addModule("attn_dropout", try Dropout(p: gpt2.attnPdrop))
        addModule("resid_dropout", try Dropout(p: gpt2.residPdrop))
    }

    /// The attention output for `x` `[B, T, n_embd]`.
    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        guard let cAttn = self["c_attn"], let cProj = self["c_proj"], let drop = self["resid_dropout"] else {
            throw NNError.invalidArgument("GPT2Attention lacks a submodule")
        }
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

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        throw NNError.notImplemented("GPT2Attention is run by its block (it needs the mask)")
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
        guard let fc = self["c_fc"], let proj = self["c_proj"], let act = self["act"], let drop = self["dropout"] else {
            throw NNError.invalidArgument("GPT2MLP lacks a submodule")
        }
        return try drop(try proj(try act(try fc(x))))
    }
}

/// `GPT2Block(config, layer_idx)`: `ln_1`, `attn`, `ln_2`, `mlp`, pre-norm residuals.
public final class GPT2Block: Module {
    public init(_ gpt2: GPT2Config, layerIndex: Int, config: PretrainedConfig) throws {
        super.init()
        printedName = "GPT2Block"
        addModule("ln_1", LayerNorm([gpt2.hidden], eps: gpt2.layerNormEpsilon))
        addModule("attn", try GPT2Attention(gpt2, layerIndex: layerIndex))
        addModule("ln_2", LayerNorm([gpt2.hidden], eps: gpt2.layerNormEpsilon))
        addModule("mlp", try GPT2MLP(gpt2, config: config))
    }

    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        guard let ln1 = self["ln_1"], let attn = self["attn"] as? GPT2Attention, let ln2 = self["ln_2"], let mlp = self["mlp"] else {
            throw NNError.invalidArgument("GPT2Block lacks a submodule")
        }
        let h = try attn.run(try ln1(x), mask: mask) + x
        return hooked(self, try h + mlp(try ln2(h)))
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        throw NNError.notImplemented("GPT2Block is run by GPT2Model (it needs the mask)")
    }
}

/// `GPT2Model(config)`: `wte`, `wpe`, `drop`, `h`, `ln_f`; positions `0 ..< T`, a causal mask hiding padded keys.
public final class GPT2Model: Module, PretrainedModel {
    public let config: PretrainedConfig
    public let gpt2: GPT2Config

    public init(_ config: PretrainedConfig) throws {
        self.config = config
        gpt2 = try GPT2Config(config)
        super.init()
        printedName = "GPT2Model"
        addModule("wte", try Embedding(gpt2.vocabSize, gpt2.hidden))
        addModule("wpe", try Embedding(gpt2.positions, gpt2.hidden))
        addModule("drop", try Dropout(p: gpt2.embdPdrop))
        addModule("h", ModuleList(try (0 ..< gpt2.layers).map { try GPT2Block(gpt2, layerIndex: $0, config: config) }))
        addModule("ln_f", LayerNorm([gpt2.hidden], eps: gpt2.layerNormEpsilon))
    }

    public var loading: PretrainedLoading {
        PretrainedLoading(baseModelPrefix: "transformer", ignoredUnexpected: GPT2Model.ignoredUnexpected)
    }
    /// `_keys_to_ignore_on_load_unexpected` (transformers 5 lists `attn.bias`; 4.x's `attn.masked_bias` too).
    static let ignoredUnexpected = [#"attn\.bias"#, #"attn\.masked_bias"#, #"crossattention\.bias"#]
    public var outputKind: PretrainedOutput { .hiddenStates }
    public var layerModules: [Module] { self["h"]?.namedChildren().map(\.1) ?? [] }
    public override var forwardParameterNames: [String] { ["input_ids", "attention_mask"] }

    /// GPT-2's `_init_weights`: transformers' defaults, then each `c_proj` weight N(0, std/√(2·n_layer)).
    public func initializeWeights(only: Set<ObjectIdentifier>?) {
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
    public func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        guard let wte = self["wte"], let wpe = self["wpe"], let drop = self["drop"], let lnF = self["ln_f"] else {
            throw NNError.invalidArgument("GPT2Model lacks a submodule")
        }
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

    /// `(last_hidden_state,)`.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, mask) = try tokenArguments(args, model: typeName)
        return .tuple([.tensor(try run(ids: ids, attentionMask: mask))])
    }
}

/// `GPT2LMHeadModel(config)`: `transformer` and `lm_head` (tied to `transformer.wte` unless
/// `tie_word_embeddings` is false).
public final class GPT2LMHeadModel: Module, PretrainedModel {
    public let config: PretrainedConfig

    public init(_ config: PretrainedConfig) throws {
        self.config = config
        super.init()
        printedName = "GPT2LMHeadModel"
        let transformer = try GPT2Model(config)
        addModule("transformer", transformer)
        let head = Linear(transformer.gpt2.hidden, transformer.gpt2.vocabSize, bias: false)
        addModule("lm_head", head)
        if transformer.gpt2.tieWordEmbeddings, let wte = transformer["wte"]?.parameter("weight") { head.registerParameter("weight", wte) }
    }

    var transformer: GPT2Model? { self["transformer"] as? GPT2Model }

    public var loading: PretrainedLoading {
        PretrainedLoading(baseModelPrefix: "transformer", ignoredUnexpected: GPT2Model.ignoredUnexpected,
                          tied: transformer?.gpt2.tieWordEmbeddings == false ? [:] : ["lm_head.weight": "transformer.wte.weight"])
    }
    public var outputKind: PretrainedOutput { .logits }
    public var layerModules: [Module] { transformer?.layerModules ?? [] }
    public func initializeWeights(only: Set<ObjectIdentifier>?) {
        transformer?.initializeWeights(only: only)
        guard !EngineContext.current.isShapesOnly, transformer?.gpt2.tieWordEmbeddings == false,
              let w = (self["lm_head"] as? Linear)?.weight, only?.contains(ObjectIdentifier(w)) ?? true else { return }
        w.normal_(mean: 0, std: initializerRange)
    }
    public override var forwardParameterNames: [String] { ["input_ids", "attention_mask"] }

    /// `(logits,)`: `[B, T, vocab]`.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, mask) = try tokenArguments(args, model: typeName)
        guard let transformer, let head = self["lm_head"] else { throw NNError.invalidArgument("GPT2LMHeadModel lacks a submodule") }
        let hidden = hooked(transformer, try transformer.run(ids: ids, attentionMask: mask))
        return .tuple([.tensor(try head(hidden))])
    }
}
