import CkptNN
import CkptTensor

// transformers' models/bert/modeling_bert.py (SDPA attention), written with the same ops in the same order: the
// embeddings and one encoder layer (self-attention, post-norm residuals, feed-forward).

/// BERT's hyper-parameters from `config.json`, with BertConfig's defaults.
public struct BertConfig: Sendable {
    public var vocabSize: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var intermediate: Int
    public var hiddenAct: String
    public var hiddenDropout: Double
    public var attentionDropout: Double
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    public var padTokenId: Int?
    public var isDecoder: Bool

    public init(_ config: PretrainedConfig) throws {
        vocabSize = try config.size(["vocab_size"], default: 30522)
        hidden = try config.size(["hidden_size"], default: 768)
        layers = try config.layerCount(["num_hidden_layers"], default: 12)
        heads = try config.size(["num_attention_heads"], default: 12)
        intermediate = try config.size(["intermediate_size"], default: 3072)
        hiddenAct = try config.string("hidden_act") ?? "gelu"
        hiddenDropout = try config.double("hidden_dropout_prob") ?? 0.1
        attentionDropout = try config.double("attention_probs_dropout_prob") ?? 0.1
        maxPositions = try config.size(["max_position_embeddings"], default: 512)
        typeVocabSize = try config.size(["type_vocab_size"], default: 2)
        layerNormEps = try config.double("layer_norm_eps") ?? 1e-12
        padTokenId = config.values["pad_token_id"] == nil ? 0 : try config.int("pad_token_id")
        isDecoder = try config.bool("is_decoder") ?? false
        guard heads > 0, hidden % heads == 0 else {
            throw config.error("hidden_size (\(hidden)) must be a multiple of num_attention_heads (\(heads))")
        }
        if try config.bool("add_cross_attention") == true { throw config.error("BERT with cross-attention is not implemented in ckpt") }
        guard maxPositions <= Self.maxPositions else {
            throw config.error("'max_position_embeddings' is \(maxPositions); ckpt builds at most \(Self.maxPositions)")
        }
        try config.checkWeight(["vocab_size": vocabSize, "hidden_size": hidden])
        try config.checkWeight(["type_vocab_size": typeVocabSize, "hidden_size": hidden])
        try config.checkWeight(["hidden_size": hidden, "hidden_size": hidden])
        try config.checkWeight(["hidden_size": hidden, "intermediate_size": intermediate])
        try config.checkWeight(["max_position_embeddings": maxPositions, "hidden_size": hidden])
    }

    /// The most positions ckpt builds BERT embeddings for (BERTs use 512 to 8,192): the embeddings fill two buffers
    /// of `max_position_embeddings` entries (`position_ids`, `token_type_ids`) even when built for shapes only.
    public static let maxPositions = 1 << 24
}

/// `BertEmbeddings(config)`: `word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm`,
/// `dropout`, and the non-persistent buffers `position_ids` (`0 ..< max_position_embeddings`) and
/// `token_type_ids` (zeros).
public final class BertEmbeddings: Module {
    public let bert: BertConfig

    public init(_ bert: BertConfig) throws {
        self.bert = bert
        super.init()
        printedName = "BertEmbeddings"
        addModule("word_embeddings", try Embedding(bert.vocabSize, bert.hidden, paddingIdx: bert.padTokenId))
        addModule("position_embeddings", try Embedding(bert.maxPositions, bert.hidden))
        addModule("token_type_embeddings", try Embedding(bert.typeVocabSize, bert.hidden))
        addModule("LayerNorm", LayerNorm([bert.hidden], eps: bert.layerNormEps))
        addModule("dropout", try Dropout(p: bert.hiddenDropout))
        registerBuffer("position_ids", try Tensor(indices: Array(0 ..< bert.maxPositions), shape: [1, bert.maxPositions]), persistent: false)
        registerBuffer("token_type_ids", Tensor.zeros([1, bert.maxPositions], dtype: .int64), persistent: false)
    }

    /// `LayerNorm(word + token_type + position)` for ids `[B, T]` (token types all 0).
    public func run(_ ids: Tensor) throws -> Tensor {
        let (word, position, type) = (try child("word_embeddings"), try child("position_embeddings"), try child("token_type_embeddings"))
        let (norm, drop) = (try child("LayerNorm"), try child("dropout"))
        let (batch, length) = (ids.shape[0], ids.shape[1])
        guard length <= bert.maxPositions else {
            throw NNError.invalidArgument("BertEmbeddings: \(length) tokens is more than max_position_embeddings (\(bert.maxPositions))")
        }
        let positions = try Tensor(indices: Array(0 ..< length), shape: [1, length])
        let types = Tensor.zeros([batch, length], dtype: .int64)
        let embeddings = try word(ids) + type(types) + position(positions)
        return hooked(self, try drop(try norm(embeddings)))
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        .tensor(try run(try tokenArguments(args, model: typeName).ids))
    }
}

/// `BertSelfAttention(config)`: `query`, `key`, `value`, `dropout`; scaled by `head_size ** -0.5`.
public final class BertSelfAttention: MaskedBlock {
    public let bert: BertConfig

    public init(_ bert: BertConfig) throws {
        self.bert = bert
        super.init(printedName: "BertSelfAttention")
        addModule("query", Linear(bert.hidden, bert.hidden))
        addModule("key", Linear(bert.hidden, bert.hidden))
        addModule("value", Linear(bert.hidden, bert.hidden))
        addModule("dropout", try Dropout(p: bert.attentionDropout))
    }

    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        let (q, k, v) = (try child("query"), try child("key"), try child("value"))
        let d = bert.hidden / bert.heads
        let attended = try mask.attend(query: AttentionMask.splitHeads(q(x), headDim: d), key: AttentionMask.splitHeads(k(x), headDim: d),
                                       value: AttentionMask.splitHeads(v(x), headDim: d), scaling: Float(1 / Double(d).squareRoot()))
        return hooked(self, attended)
    }
}

/// `BertSelfOutput` and `BertOutput`: `LayerNorm(dropout(dense(x)) + input)`, a dense layer `in → hidden`.
public final class BertResidualOutput: Module {
    public init(className: String, input: Int, _ bert: BertConfig) throws {
        super.init()
        printedName = className
        addModule("dense", Linear(input, bert.hidden))
        addModule("LayerNorm", LayerNorm([bert.hidden], eps: bert.layerNormEps))
        addModule("dropout", try Dropout(p: bert.hiddenDropout))
    }

    public func run(_ x: Tensor, residual: Tensor) throws -> Tensor {
        let (dense, norm, drop) = (try child("dense"), try child("LayerNorm"), try child("dropout"))
        return hooked(self, try norm(try drop(try dense(x)) + residual))
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("\(typeName).forward() takes hidden_states and input_tensor") }
        return .tensor(try run(try args[0].asTensor("hidden_states"), residual: try args[1].asTensor("input_tensor")))
    }
}

/// `BertAttention(config)`: `self` (BertSelfAttention) and `output` (BertSelfOutput).
public final class BertAttention: MaskedBlock {
    public init(_ bert: BertConfig) throws {
        super.init(printedName: "BertAttention")
        addModule("self", try BertSelfAttention(bert))
        addModule("output", try BertResidualOutput(className: "BertSelfOutput", input: bert.hidden, bert))
    }

    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        let (attention, output) = (try child("self", as: BertSelfAttention.self), try child("output", as: BertResidualOutput.self))
        return hooked(self, try output.run(try attention.run(x, mask: mask), residual: x))
    }
}

/// `BertLayer(config)`: `attention`, `intermediate`, `output`.
public final class BertLayer: MaskedBlock {
    public init(_ bert: BertConfig, config: PretrainedConfig) throws {
        super.init(printedName: "BertLayer")
        addModule("attention", try BertAttention(bert))
        addModule("intermediate", try BertIntermediate(bert, config: config))
        addModule("output", try BertResidualOutput(className: "BertOutput", input: bert.intermediate, bert))
    }

    public func run(_ x: Tensor, mask: AttentionMask) throws -> Tensor {
        let attention = try child("attention", as: BertAttention.self)
        let (intermediate, output) = (try child("intermediate"), try child("output", as: BertResidualOutput.self))
        let attended = try attention.run(x, mask: mask)
        return hooked(self, try output.run(try intermediate(attended), residual: attended))
    }
}

/// `BertIntermediate(config)`: `intermediate_act_fn(dense(x))`.
public final class BertIntermediate: UnaryModule {
    public init(_ bert: BertConfig, config: PretrainedConfig) throws {
        super.init()
        printedName = "BertIntermediate"
        addModule("dense", Linear(bert.hidden, bert.intermediate))
        addModule("intermediate_act_fn", try HiddenActivation.module(bert.hiddenAct, config: config))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let (dense, act) = (try child("dense"), try child("intermediate_act_fn"))
        return try act(try dense(x))
    }
}
