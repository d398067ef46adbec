import CkptCore
import CkptModel
import CkptNN
import CkptTensor
import CkptTestSupport
import OrderedCollections
import Testing

/// `from_pretrained`'s rules, where they differ from `load_state_dict`'s: base_model_prefix, legacy names, the
/// class's ignore lists, and tied weights.
@Suite struct PretrainedLoadingTests {
    static let gpt2 = PretrainedConfig(["model_type": "gpt2", "vocab_size": 10, "n_embd": 4, "n_layer": 1, "n_head": 2, "n_positions": 8])
    static let bert = PretrainedConfig(["model_type": "bert", "vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1,
                                        "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 8])

    static func entries(_ module: Module, rename: (String) -> String?) throws -> OrderedDictionary<String, TensorEntry> {
        var out = OrderedDictionary<String, TensorEntry>()
        for (key, t) in module.stateDict() { if let k = rename(key) { out[k] = try TestTensors.zeros(t.shape) } }
        return out
    }

    /// GPT-2's original files: no `transformer.` prefix, no lm_head, masks that 5.x no longer has.
    @Test func gpt2PrefixAddedMasksIgnoredTiedHeadForgiven() throws {
        let model = try PretrainedArchitectures.build(Self.gpt2)
        let pretrained = try #require(model as? PretrainedModel)
        var file = try Self.entries(model) { $0 == "lm_head.weight" ? nil : String($0.dropFirst("transformer.".count)) }
        file["h.0.attn.bias"] = try TestTensors.zeros([1, 1, 8, 8])
        file["h.0.attn.masked_bias"] = try TestTensors.zeros([])
        let (tensors, notes) = pretrained.loading.adapt(file, into: model)
        #expect(Set(tensors.keys) == Set(model.stateDict().keys).subtracting(["lm_head.weight"]))
        #expect(notes.count == 2 && notes[0].contains("under 'transformer.'") && notes[1].contains("h.0.attn.bias, h.0.attn.masked_bias"))
        let (report, tied) = pretrained.loading.forgiveTies(try model.load(tensors))
        #expect(report.ok && report.missingKeys.isEmpty && report.unexpectedKeys.isEmpty && tied.count == 1)
    }

    /// A task model's BERT: `bert.` prefix, LayerNorm gamma/beta, the position_ids buffer it used to save.
    @Test func bertPrefixStrippedLegacyNamesRenamedPositionIdsIgnored() throws {
        let model = try PretrainedArchitectures.build(Self.bert)
        let pretrained = try #require(model as? PretrainedModel)
        var file = try Self.entries(model) { "bert." + $0.replacingOccurrences(of: "LayerNorm.weight", with: "LayerNorm.gamma") }
        file["bert.embeddings.position_ids"] = try TestTensors.zeros([1, 8], .int64)
        file["cls.predictions.bias"] = try TestTensors.zeros([10])
        let (tensors, notes) = pretrained.loading.adapt(file, into: model)
        #expect(Array(tensors.keys) == Array(model.stateDict().keys) + ["cls.predictions.bias"])
        #expect(notes.count == 3)
        // A key of another head stays unexpected: from_pretrained would warn about it too.
        let report = try model.load(tensors)
        #expect(report.unexpectedKeys == ["cls.predictions.bias"] && report.missingKeys.isEmpty)
    }

    /// A tied head present in the file is not loaded: transformers ties it to the embedding after loading.
    @Test func tiedHeadInTheFileIsNotUsed() throws {
        let model = try PretrainedArchitectures.build(Self.gpt2)
        let pretrained = try #require(model as? PretrainedModel)
        let (tensors, notes) = pretrained.loading.adapt(try Self.entries(model) { $0 }, into: model)
        #expect(tensors["lm_head.weight"] == nil && tensors["transformer.wte.weight"] != nil)
        #expect(notes == ["'lm_head.weight' in the checkpoint is not used: it is tied to 'transformer.wte.weight' (tie_word_embeddings), as from_pretrained ties it"])
    }
}
