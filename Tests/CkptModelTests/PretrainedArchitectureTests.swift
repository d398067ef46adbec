import CkptModel
import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// Architectures built from `config.json` alone have transformers' module tree: its state_dict keys and shapes,
/// `num_parameters()`, `print(model)` and RoPE buffers, for every model type and both config layouts.
@Suite struct PretrainedArchitectureTests {
    typealias HF = HuggingFaceFixtures

    static func config(_ name: String) throws -> PretrainedConfig {
        try PretrainedConfig(contentsOf: HF.path("\(name)/config.json"))
    }

    static func build(_ name: String) throws -> Module {
        try EngineContext.with(\.isShapesOnly, true) { try PretrainedArchitectures.build(try config(name)) }
    }

    @Test(arguments: HF.folders.keys.sorted())
    func keysShapesAndParameterCountAreTransformers(name: String) throws {
        let folder = try #require(HF.folders[name])
        let model = try Self.build(name)
        #expect(model.typeName == folder.className)
        #expect(model.stateDict().map { "\($0.key) \($0.value.shape)" } == folder.keys.map { "\($0.key) \($0.shape)" })
        #expect(model.parameters().reduce(0) { $0 + $1.numel } == folder.numParameters)
    }

    @Test(arguments: HF.printed)
    func printsAsTransformersPrints(name: String) throws {
        let printed = try String(contentsOfFile: HF.path("\(name)/print.txt"), encoding: .utf8)
        #expect(try Self.build(name).description + "\n" == printed)
    }

    /// `inv_freq` is computed in float32 at build, as transformers computes it, for default, llama3, dynamic, yarn and
    /// linear RoPE; it is a non-persistent buffer, with `original_inv_freq` beside it.
    @Test(arguments: HF.folders.values.filter { $0.inverseFrequencies != nil }.map(\.name).sorted())
    func rotaryBuffersAreTransformers(name: String) throws {
        let folder = try #require(HF.folders[name])
        let model = try Self.build(name)
        let rotary = try #require(model.submodule("model.rotary_emb") as? RotaryEmbedding)
        expectClose(rotary.buffer("inv_freq")?.scalars, folder.inverseFrequencies ?? [], tolerance: 1e-6, floor: 0, name)
        expectClose(rotary.attentionScaling, folder.attentionScaling ?? 0, tolerance: 1e-6, name)
        #expect(rotary.nonPersistentBuffers == ["inv_freq", "original_inv_freq"])
        #expect(model.stateDict().keys.allSatisfy { !$0.contains("inv_freq") })
    }

    /// transformers 4.x wrote `rope_theta` and `rope_scaling` (with `type`) at the top and `torch_dtype`; 5.x writes
    /// `rope_parameters` and `dtype`. Both read the same.
    @Test func bothConfigLayoutsReadTheSame() throws {
        let old = try Self.config("llama3_tied")
        #expect(HF.folders["llama3_tied"]?.configLayout == "4.x" && old.dtype == "float32")
        var members = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: old.path))) as? [String: Any])
        var rope = try #require(members.removeValue(forKey: "rope_scaling") as? [String: Any])
        rope["rope_type"] = rope.removeValue(forKey: "type")
        rope["rope_theta"] = members.removeValue(forKey: "rope_theta")
        members["rope_parameters"] = rope
        members["dtype"] = members.removeValue(forKey: "torch_dtype")
        let new = PretrainedConfig(members)
        let (a, b) = (try RopeParameters(old, maxPositionEmbeddings: 32), try RopeParameters(new, maxPositionEmbeddings: 32))
        #expect(a == b && a.kind == .llama3 && a.theta == 500_000 && a.factor == 8 && a.originalMaxPositionEmbeddings == 8)
        #expect(new.dtype == "float32")
        let rebuilt = try EngineContext.with(\.isShapesOnly, true) { try PretrainedArchitectures.build(new) }
        #expect(rebuilt.description == (try Self.build("llama3_tied")).description)
    }

    @Test func unknownModelTypeIsOneLineListingTheSupportedOnes() throws {
        do {
            _ = try Self.build("unknown")
            Issue.record("a t5 config built")
        } catch let e as PretrainedConfigError {
            #expect(e.description == HF.path("unknown/config.json")
                    + ": model_type 't5' is not one ckpt builds (supported: llama, mistral, qwen2, qwen3, gpt2, bert)")
        }
    }

    @Test func unsupportedArchitecturesAndRopeTypesAreNamed() throws {
        let bert = PretrainedConfig(["model_type": "bert", "architectures": ["BertForMaskedLM"]])
        #expect(throws: PretrainedConfigError(path: "config.json", "architecture 'BertForMaskedLM' (model_type 'bert') is not one ckpt builds (BertModel)")) {
            try PretrainedArchitectures.build(bert)
        }
        let longrope = PretrainedConfig(["model_type": "llama", "rope_scaling": ["type": "longrope"]])
        #expect(throws: PretrainedConfigError(path: "config.json", "rope type 'longrope' is not implemented in ckpt (default, linear, dynamic, llama3, yarn)")) {
            try RopeParameters(longrope, maxPositionEmbeddings: 8)
        }
        let typo = PretrainedConfig(["model_type": "llama", "hidden_size": "16"])
        #expect(throws: PretrainedConfigError(path: "config.json", "'hidden_size' must be an integer")) { try typo.int("hidden_size") }
    }

    /// A printout plus `config.json`: the printout's transformers classes build as ckpt's, from the config.
    @Test func printoutWithConfigBuildsTheArchitecture() throws {
        let config = try Self.config("qwen3")
        let catalog = LayerCatalog(try PretrainedArchitectures.schemas(config) + LayerSchema.standard)
        let text = try String(contentsOfFile: HF.path("qwen3/print.txt"), encoding: .utf8)
        let model = try EngineContext.with(\.isShapesOnly, true) { try ModelBuilder(catalog: catalog).build(ModelFile.parse(text)) }
        #expect(model is PretrainedModel && model.description + "\n" == text)
        #expect(model.stateDict().map(\.key) == HF.folders["qwen3"]?.keys.map(\.key))
        // Without the config the same printout builds containers without a forward.
        let plain = try EngineContext.with(\.isShapesOnly, true) { try ModelBuilder().build(ModelFile.parse(text)) }
        #expect(!(plain is PretrainedModel))
    }
}
