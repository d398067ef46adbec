import CkptCore
import CkptNN
import CkptTensor
import CkptTestSupport
import CkptWorkflows
import Foundation
import Testing

/// A model folder is built without values and takes its file's tensors where they lie, in their dtype: a forward reads
/// the matrices in place (no float32 twin); what the file leaves out is initialised as `from_pretrained` does.
@Suite struct FolderBindingTests {
    func session(_ folder: String, strict: Bool = true) throws -> LoadSession {
        let path = HuggingFaceFixtures.path(folder)
        var options = LoadOptions()
        options.strict = strict
        return try LoadSession(model: ModelSource(argument: path), checkpoint: CheckpointReference(path), options: options)
    }

    @Test(arguments: [("llama-bf16", DType.bfloat16), ("gpt2-bf16", .bfloat16), ("bert-bf16", .bfloat16), ("qwen3", .float32)])
    func matricesStayInTheFileThroughAForward(folder: String, dtype: DType) throws {
        let s = try session(folder)
        #expect(try s.load().ok)
        let outputs = try s.forward(ForwardInputs(tokens: [5, 17, 42, 3, 99, 8, 23, 61, 12, 7]))
        #expect(outputs.count == 1 && outputs[0].scalars.allSatisfy(\.isFinite))
        let matrices = s.module.namedParameters().filter { $0.1.rank == 2 }
        #expect(!matrices.isEmpty)
        for (name, p) in matrices {
            #expect(p.isStoredInPlace && p.storageDType == dtype, "\(name) was copied or widened whole")
        }
    }

    @Test func aTensorLeftOutIsInitialisedAsFromPretrainedDoes() throws {
        let s = try session("llama-missing", strict: false)
        let report = try s.load()
        #expect(report.missingKeys == ["model.layers.1.mlp.up_proj.weight"])
        let parameters = Dictionary(uniqueKeysWithValues: s.module.namedParameters().map { ($0.0, $0.1) })
        let missing = try #require(parameters["model.layers.1.mlp.up_proj.weight"])
        // transformers' _init_weights: N(0, initializer_range); the loaded neighbour keeps the file's values.
        let values = missing.scalars
        let mean = values.reduce(0, +) / Float(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        #expect(!missing.isStoredInPlace && abs(std - 0.02) < 0.005 && abs(mean) < 0.005)
        #expect(try #require(parameters["model.layers.1.mlp.gate_proj.weight"]).isStoredInPlace)
        #expect(try s.forward(ForwardInputs(tokens: [1, 2, 3]))[0].scalars.allSatisfy(\.isFinite))
    }

    @Test func moreUnsetElementsThanTheLimitAreRefusedBeforeAnyIsAllocated() throws {
        try EngineContext.with({ $0.limits.maxModelElements = 100 }) {
            let s = try session("llama-missing", strict: false)
            #expect { try s.load() } throws: { "\($0)".contains("leaves 512 elements of the model unset") }
        }
    }

    @Test func aFolderOfMoreThan2To31ParametersBuildsToLoadWithoutAllocating() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            // A LLaMA config of about 3.3e9 parameters beside the tiny model's weights: the model is built (shapes
            // only, nothing drawn or touched), and loading reports the size mismatches instead of refusing the model.
            let source = HuggingFaceFixtures.path("llama-bf16")
            var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as? [String: Any] ?? [:]
            config["hidden_size"] = 4096; config["intermediate_size"] = 11008; config["num_hidden_layers"] = 16
            config["num_attention_heads"] = 32; config["num_key_value_heads"] = 32; config["head_dim"] = 128
            try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
            try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: dir.appendingPathComponent("model.safetensors").path)
            let s = try LoadSession(model: ModelSource(argument: dir.path), checkpoint: CheckpointReference(dir.path))
            let elements = s.module.parameters().reduce(0) { $0 + $1.numel }
            #expect(elements > 1 << 31)
            let report = try s.load()
            #expect(!report.ok && !report.sizeMismatch.isEmpty)
        }
    }
}
