import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// load-into, verify, run, init and summary on the model fixtures (Fixtures/gen/models.py, PyTorch-made).
@Suite struct ModelCommandsTests {
    func m(_ name: String) -> String { Fixtures.path("models/" + name) }

    func json(_ r: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test(arguments: ["mlp", "tiny_regression", "tied", "tied_lm", "lenet", "cnn_tutorial", "lstm_classifier", "bn_cnn", "attn",
                      "encoder", "encoder_layer_gelu", "encoder_layer_module", "resnet", "interp", "sdpa"])
    func verifyMatchesPyTorch(name: String) throws {
        let r = try CLIRunner.run(["verify", m(name + ".model"), m(name + ".pt"), "--input", m(name + ".input.npy"),
                                   "--expect", m(name + ".expected.npy"), "--backward", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let doc = try json(r)
        #expect(doc["ok"] as? Bool == true)
        let outputs = try #require(doc["outputs"] as? [[String: Any]])
        #expect(outputs.count == 1)
        #expect((outputs[0]["max_abs_diff"] as? Double ?? 1) < 1e-5)
        #expect((doc["gradients"] as? [String: Any])?["finite"] as? Bool == true)
    }

    @Test(arguments: ["mlp", "tiny_regression", "tied", "tied_lm", "lenet", "cnn_tutorial", "lstm_classifier", "bn_cnn", "attn",
                      "encoder", "encoder_layer_gelu", "encoder_layer_module", "resnet", "interp", "sdpa"])
    func countOfAModelIsPyTorchs(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: m("models.json")))
        let expected = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?[name] as? [String: Any])
        let r = try CLIRunner.run(["count", m(name + ".model"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try json(r)
        #expect(doc["parameters"] as? Int == expected["parameters"] as? Int)
        #expect(doc["buffers"] as? Int == expected["buffers"] as? Int)
    }

    @Test func widenedLayerFailsNamingExactlyThatMismatch() throws {
        let r = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_wide_fc3.pt"), "--json"])
        #expect(r.status == 1)
        let doc = try json(r)
        let mismatches = try #require(doc["size_mismatch"] as? [[String: Any]])
        #expect(mismatches.map { $0["key"] as? String } == ["fc3.weight", "fc3.bias"])
        #expect(mismatches.first?["checkpoint"] as? [Int] == [12, 84] && mismatches.first?["model"] as? [Int] == [10, 84])
        #expect((doc["missing_keys"] as? [String])?.isEmpty == true && doc["loaded"] as? Int == 8)
        let text = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_wide_fc3.pt")])
        #expect(text.stdout.contains("size mismatch for fc3.weight: copying a param with shape torch.Size([12, 84]) from checkpoint, the shape in current model is torch.Size([10, 84])."))
    }

    @Test func modulePrefixIsDiagnosedAndTheSuggestedMapLoads() throws {
        let r = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_module_prefix.pt"), "--json"])
        #expect(r.status == 1)
        let doc = try json(r)
        let diagnosis = try #require(doc["diagnosis"] as? [String])
        #expect(diagnosis.contains { $0.contains("module.") && $0.contains("--map '^module\\.='") })
        let fixed = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_module_prefix.pt"), "--map", "^module\\.=", "-q"])
        #expect(fixed.status == 0 && fixed.stdout.isEmpty)
        let loose = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_module_prefix.pt"), "--no-strict", "--json"])
        let looseDoc = try json(loose)
        #expect(loose.status == 0 && looseDoc["loaded"] as? Int == 0)
    }

    @Test func matchShapeLoadsLeNetIntoASequentialAndRefusesSwappableTensors() throws {
        let plan = try CLIRunner.run(["load-into", m("lenet_sequential.model"), m("lenet.pt"), "--match", "shape", "--plan"])
        #expect(plan.status == 0 && plan.stdout.contains("fc1.weight") && plan.stdout.contains("→ 7.weight"))
        let v = try CLIRunner.run(["verify", m("lenet_sequential.model"), m("lenet.pt"), "--match", "shape",
                                   "--input", m("lenet.input.npy"), "--expect", m("lenet.expected.npy")])
        #expect(v.status == 0, "\(v.stdout)")
        let twin = try CLIRunner.run(["load-into", m("twin.model"), m("twin_renamed.pt"), "--match", "shape", "--json"])
        #expect(twin.status == 1)
        let twinDoc = try json(twin)
        let diagnosis = try #require(twinDoc["diagnosis"] as? [String])
        #expect(diagnosis.contains { $0.contains("1.weight, 2.weight") && $0.contains("layer1.weight, layer2.weight") && $0.contains("[8, 8]") })
    }

    @Test func trainingCheckpointEntryIsUsedWithANote() throws {
        let r = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_training.pt"), "--json"])
        #expect(r.status == 0)
        let doc = try json(r)
        #expect((doc["diagnosis"] as? [String])?.first?.contains("model_state_dict") == true)
        let explicit = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_training.pt") + "#model_state_dict", "-q"])
        #expect(explicit.status == 0)
    }

    @Test func runWritesOutputsAndInitWritesAFreshStateDict() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("lenet.expected.npy").path  // same name, same .npy key
        let r = try CLIRunner.run(["run", m("lenet.model"), m("lenet.pt"), "--input", m("lenet.input.npy"), "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let verify = try CLIRunner.run(["diff", out, m("lenet.expected.npy"), "--atol", "1e-6", "-q"])
        #expect(verify.status == 0)
        let fresh = dir.appendingPathComponent("init.safetensors").path
        let i = try CLIRunner.run(["init", m("lenet.model"), "-o", fresh, "--init", "constant:1"])
        #expect(i.status == 0, "\(i.stderr)")
        let shown = try CLIRunner.run(["show", fresh, "conv1.bias"])
        #expect(shown.stdout.contains("tensor([0., 0., 0., 0., 0., 0.])"), "\(shown.stdout)")
        let load = try CLIRunner.run(["load-into", m("lenet.model"), fresh, "-q"])
        #expect(load.status == 0)
        // Written as state_dict() holds them: no tensor requires grad (torch.load would otherwise give leaf tensors
        // that do).
        let freshPT = dir.appendingPathComponent("init.pt").path
        #expect(try CLIRunner.run(["init", m("lenet.model"), "-o", freshPT]).status == 0)
        let loadedOut = dir.appendingPathComponent("loaded.pt").path
        #expect(try CLIRunner.run(["load-into", m("lenet.model"), m("lenet.pt"), "-o", loadedOut, "-q"]).status == 0)
        for path in [freshPT, loadedOut] {
            let tensors = try Checkpoint.read(path).stateDict.tensors
            #expect(tensors.count == 10 && tensors.values.allSatisfy { !$0.requiresGrad }, "\(path)")
        }
        let bad = try CLIRunner.run(["init", m("lenet.model"), "-o", fresh, "--init", "bogus"])
        #expect(bad.status == 2 && bad.errorLines.count == 1)
    }

    /// count, summary and load-into (without -o) build a printout for its keys and shapes only: a 6.7B-parameter
    /// LLaMA-shaped printout with a 405B model's 2.1B-element head is counted exactly without touching 27 GB;
    /// building such a model to run, or any layer beyond the shape limit, is a one-line error.
    @Test func hugePrintoutsAreCountedFromShapes() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let block = """
              (0-31): 32 x LlamaDecoderLayer(
                (self_attn): LlamaAttention(
                  (q_proj): Linear(in_features=4096, out_features=4096, bias=False)
                  (k_proj): Linear(in_features=4096, out_features=4096, bias=False)
                  (v_proj): Linear(in_features=4096, out_features=4096, bias=False)
                  (o_proj): Linear(in_features=4096, out_features=4096, bias=False)
                )
                (mlp): LlamaMLP(
                  (gate_proj): Linear(in_features=4096, out_features=11008, bias=False)
                  (up_proj): Linear(in_features=4096, out_features=11008, bias=False)
                  (down_proj): Linear(in_features=11008, out_features=4096, bias=False)
                )
              )
        """
        let text = "LlamaForCausalLM(\n  (embed_tokens): Embedding(32000, 4096)\n  (layers): ModuleList(\n" + block + "\n"
            + "  )\n  (lm_head): Linear(in_features=16384, out_features=128256, bias=False)\n)\n"
        let path = dir.appendingPathComponent("llama.model").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["count", path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r)["parameters"] as? Int == 32000 * 4096 + 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 16384 * 128256)
        #expect(try CLIRunner.run(["summary", path]).status == 0)
        let run = try CLIRunner.run(["init", path, "-o", dir.appendingPathComponent("x.pt").path])
        #expect(run.status == 2 && run.errorLines.count == 1 && run.stderr.contains("8708423680 elements"), "\(run.stderr)")
        let hostile = dir.appendingPathComponent("hostile.model").path
        try "Net(\n  (fc): Linear(in_features=1000000, out_features=1000000, bias=False)\n)\n".write(toFile: hostile, atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["count", hostile])
        #expect(bad.status == 2 && bad.errorLines.count == 1 && bad.stderr.contains("line 2"), "\(bad.stderr)")
    }

    /// A language-model checkpoint that stores the tied output weight only as the embedding (as Hugging Face's files
    /// do): load-into names the tie line to add; with it the checkpoint runs as PyTorch's model.
    @Test func missingTiedHeadSuggestsTheTieLine() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        var tensors = try Checkpoint.read(m("tied_lm.pt")).stateDict.tensors
        tensors.removeValue(forKey: "head.weight")
        let checkpoint = dir.appendingPathComponent("lm.safetensors").path
        try Checkpoint.write(StateDict(tensors: tensors), to: checkpoint, format: .safetensors)
        let tied = try String(contentsOfFile: m("tied_lm.model"), encoding: .utf8)
        let untied = dir.appendingPathComponent("lm.model").path
        try tied.replacingOccurrences(of: "  (head.weight): (embed.weight)\n", with: "").write(toFile: untied, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["load-into", untied, checkpoint, "--json"])
        #expect(r.status == 1)
        let diagnosis = try #require(try json(r)["diagnosis"] as? [String])
        #expect(diagnosis.contains { $0.contains("'(head.weight): (embed.weight)'") }, "\(diagnosis)")
        // With the tie line the head is the embedding: strict loading lists it as missing, as PyTorch's does, and
        // says it is harmless; --no-strict runs the model as PyTorch's.
        let strict = try CLIRunner.run(["load-into", m("tied_lm.model"), checkpoint, "--json"])
        let strictDiagnosis = try json(strict)["diagnosis"] as? [String] ?? []
        #expect(strict.status == 1 && strictDiagnosis.contains { $0.contains("harmless") }, "\(strictDiagnosis)")
        let v = try CLIRunner.run(["verify", m("tied_lm.model"), checkpoint, "--no-strict", "--input", m("tied_lm.input.npy"),
                                   "--expect", m("tied_lm.expected.npy")])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }

    /// Modules of classes ckpt does not know, printed without sizes, are counted as parameter-free, and count says
    /// so; a model without them has no note.
    @Test func countNotesModulesItCannotSize() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let path = dir.appendingPathComponent("t5.model").path
        try "T5Block(\n  (layer_norm): T5LayerNorm()\n  (fc): Linear(in_features=4, out_features=4, bias=False)\n  (final_layer_norm): T5LayerNorm()\n)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["count", path, "--json"])
        let doc = try json(r)
        #expect(r.status == 0 && doc["parameters"] as? Int == 16)
        #expect((doc["notes"] as? [String])?.first?.contains("T5LayerNorm ×2") == true, "\(doc)")
        #expect(try json(try CLIRunner.run(["count", m("lenet.model"), "--json"]))["notes"] == nil)
        let sized = path.replacingOccurrences(of: "t5.model", with: "t5_sized.model")
        try "T5Block(\n  (layer_norm): T5LayerNorm(\n    (weight): Parameter(4)\n  )\n  (fc): Linear(in_features=4, out_features=4, bias=False)\n)\n"
            .write(toFile: sized, atomically: true, encoding: .utf8)
        let fixed = try json(try CLIRunner.run(["count", sized, "--json"]))
        #expect(fixed["parameters"] as? Int == 20 && fixed["notes"] == nil, "\(fixed)")
    }

    @Test func summaryPrintsTheReprAndOutputShapes() throws {
        let r = try CLIRunner.run(["summary", m("lenet.model"), "--input-shape", "1,1,32,32"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("Net(\n  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"))
        #expect(r.stdout.contains("[1, 16, 10, 10]") && r.stdout.contains("61,706"))
    }

    @Test func badModelFilesAreOneLineErrorsNamingTheLine() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let bad = dir.appendingPathComponent("bad.model")
        try "Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True, foo=1)\n)\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["load-into", bad.path, m("lenet.pt")])
        #expect(r.status == 2 && r.errorLines.count == 1)
        #expect(r.stderr.contains("bad.model: line 2") && r.stderr.contains("unexpected keyword argument 'foo'"))
    }
}
