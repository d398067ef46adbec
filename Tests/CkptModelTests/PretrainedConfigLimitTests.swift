import CkptModel
import CkptNN
import CkptTensor
import Testing

/// Sizes and counts in a `config.json` are checked before anything is built, as a model file's are: a hostile or
/// mistaken config is a one-line error naming the key, never a trap, a huge allocation or a minute of work.
@Suite struct PretrainedConfigLimitTests {
    static let bases: [String: [String: Any]] = [
        "llama": ["model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 8, "intermediate_size": 8,
                  "num_attention_heads": 2, "num_key_value_heads": 2, "num_hidden_layers": 2, "vocab_size": 16, "head_dim": 4,
                  "pad_token_id": 0],
        "gpt2": ["model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": 2, "n_embd": 8, "n_head": 2,
                 "vocab_size": 16, "n_positions": 8],
        "bert": ["model_type": "bert", "architectures": ["BertModel"], "num_hidden_layers": 2, "hidden_size": 8,
                 "num_attention_heads": 2, "intermediate_size": 8, "vocab_size": 16, "max_position_embeddings": 8],
    ]

    static func config(_ base: String, _ key: String, _ value: Int) -> PretrainedConfig {
        var values = bases[base]!
        values[key] = value
        return PretrainedConfig(values)
    }

    /// Each case was a trap (negative counts and sizes), an abort on a huge allocation, or ran past a minute
    /// (millions of layers, a 2^31 `head_dim`'s rotary frequencies, BERT's position buffers) before.
    @Test(arguments: [
        ("gpt2", "n_layer", -1, "'n_layer' must be at least 1, got -1"),
        ("bert", "num_hidden_layers", 0, "'num_hidden_layers' must be at least 1, got 0"),
        ("llama", "num_hidden_layers", 2_000_000, "'num_hidden_layers' is 2000000; ckpt builds at most 4096 layers"),
        ("bert", "intermediate_size", -1, "'intermediate_size' must be at least 1, got -1"),
        ("bert", "type_vocab_size", -1, "'type_vocab_size' must be at least 1, got -1"),
        ("gpt2", "n_inner", 0, "'n_inner' must be at least 1, got 0"),
        ("bert", "vocab_size", 100_000_000_000_000, "a weight of 'vocab_size' × 'hidden_size' (100000000000000 × 8) is too large"),
        ("gpt2", "n_embd", 1 << 33, "a weight of 'vocab_size' × 'n_embd' (16 × 8589934592) is too large"),
        ("gpt2", "n_positions", 1 << 40, "a weight of 'n_positions' × 'n_embd' (1099511627776 × 8) is too large"),
        ("llama", "intermediate_size", 1 << 40, "a weight of 'hidden_size' × 'intermediate_size' (8 × 1099511627776) is too large"),
        ("bert", "max_position_embeddings", 1 << 30, "'max_position_embeddings' is 1073741824; ckpt builds at most 16777216"),
        ("llama", "head_dim", 1 << 31, "head_dim 2147483648 is more than the 65536 ckpt builds"),
    ])
    func hostileSizesAreRefused(base: String, key: String, value: Int, message: String) {
        for shapesOnly in [true, false] {
            do {
                _ = try EngineContext.with(\.isShapesOnly, shapesOnly) { try PretrainedArchitectures.build(Self.config(base, key, value)) }
                Issue.record("\(key)=\(value) built (shapes only: \(shapesOnly))")
            } catch let e as PretrainedConfigError {
                #expect(e.description.hasPrefix("config.json: " + message), "\(e)")
            } catch {
                Issue.record("\(key)=\(value): \(error)")
            }
        }
    }

    /// A 2^31 hidden size is within the bound for keys and shapes (nothing is touched: the embedding's padding row is
    /// not written) and too large to build with values.
    @Test func largeButPossibleSizesBuildForShapesOnly() throws {
        let config = Self.config("llama", "hidden_size", 1 << 31)
        let model = try EngineContext.with(\.isShapesOnly, true) { try PretrainedArchitectures.build(config) }
        #expect(model.stateDict()["model.embed_tokens.weight"]?.shape == [16, 1 << 31])
        #expect(throws: PretrainedConfigError.self) { try PretrainedArchitectures.build(config) }
    }
}
