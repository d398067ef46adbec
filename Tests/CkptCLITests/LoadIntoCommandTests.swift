import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// `ckpt load-into` on the model fixtures (`Fixtures/gen/models.py`, PyTorch-made): what loads, what does not and
/// why, the suggested fixes.
@Suite struct LoadIntoCommandTests {
    let m = ModelFixtures.path

    @Test func widenedLayerFailsNamingExactlyThatMismatch() throws {
        let r = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_wide_fc3.pt"), "--json"])
        #expect(r.status == 1)
        let doc = try r.json()
        let mismatches = try #require(doc["size_mismatch"] as? [[String: Any]])
        #expect(mismatches.map { $0["key"] as? String } == ["fc3.weight", "fc3.bias"])
        #expect(mismatches.first?["checkpoint"] as? [Int] == [12, 84] && mismatches.first?["model"] as? [Int] == [10, 84])
        #expect((doc["missing_keys"] as? [String])?.isEmpty == true && doc["loaded"] as? Int == 8)
        let text = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_wide_fc3.pt")])
        #expect(text.stdout.contains("size mismatch for fc3.weight: copying a param with shape torch.Size([12, 84]) from checkpoint, the shape in current model is torch.Size([10, 84])."))
        // PyTorch's tab-indented lines read as indented lines, not as escaped tabs.
        #expect(text.stdout.contains("for Net:\n    size mismatch for fc3.weight") && !text.stdout.contains("\\t"))
    }

    @Test func modulePrefixIsDiagnosedAndTheSuggestedMapLoads() throws {
        let r = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_module_prefix.pt"), "--json"])
        #expect(r.status == 1)
        let doc = try r.json()
        let diagnosis = try #require(doc["diagnosis"] as? [String])
        #expect(diagnosis.contains { $0.contains("module.") && $0.contains("--map '^module\\.='") })
        let fixed = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_module_prefix.pt"), "--map", "^module\\.=", "-q"])
        #expect(fixed.status == 0 && fixed.stdout.isEmpty)
        let loose = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_module_prefix.pt"), "--no-strict", "--json"])
        let looseDoc = try loose.json()
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
        let twinDoc = try twin.json()
        let diagnosis = try #require(twinDoc["diagnosis"] as? [String])
        #expect(diagnosis.contains { $0.contains("1.weight, 2.weight") && $0.contains("layer1.weight, layer2.weight") && $0.contains("[8, 8]") })
    }

    @Test func trainingCheckpointEntryIsUsedWithANote() throws {
        let r = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_training.pt"), "--json"])
        #expect(r.status == 0)
        let doc = try r.json()
        #expect((doc["diagnosis"] as? [String])?.first?.contains("model_state_dict") == true)
        let explicit = try CLIRunner.run(["load-into", m("lenet.model"), m("lenet_training.pt") + "#model_state_dict", "-q"])
        #expect(explicit.status == 0)
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
        let diagnosis = try #require(try r.json()["diagnosis"] as? [String])
        #expect(diagnosis.contains { $0.contains("'(head.weight): (embed.weight)'") }, "\(diagnosis)")
        // With the tie line the head is the embedding: strict loading lists it as missing, as PyTorch's does, and
        // says it is harmless; --no-strict runs the model as PyTorch's.
        let strict = try CLIRunner.run(["load-into", m("tied_lm.model"), checkpoint, "--json"])
        let strictDiagnosis = try strict.json()["diagnosis"] as? [String] ?? []
        #expect(strict.status == 1 && strictDiagnosis.contains { $0.contains("harmless") }, "\(strictDiagnosis)")
        let v = try CLIRunner.run(["verify", m("tied_lm.model"), checkpoint, "--no-strict", "--input", m("tied_lm.input.npy"),
                                   "--expect", m("tied_lm.expected.npy")])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
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

/// `load-into --complete`, `count MODEL CHECKPOINT`, `--version` and what inspect says of a file torch would refuse.
@Suite struct CompletionCommandTests {
    static func path(_ name: String) -> String { Fixtures.path("completion/" + name) }

    @Test func completeWritesTheModelFileAndTheCheckpointThenFits() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("gpt2.model").path
        let before = try CLIRunner.run(["load-into", Self.path("gpt2.txt"), Self.path("gpt2.safetensors")])
        #expect(before.status == 1 && before.stdout.contains("add the line '(lm_head.weight): (transformer.wte.weight)'"))
        let r = try CLIRunner.run(["load-into", Self.path("gpt2.txt"), Self.path("gpt2.safetensors"), "--complete", "-o", out])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote \(out) with 1 added line:\n  (lm_head.weight): (transformer.wte.weight)\n"))
        let count = try CLIRunner.run(["count", out, "--json"])
        #expect(try count.json()["parameters"] as? Int == 4240)
        #expect(try CLIRunner.run(["load-into", out, Self.path("gpt2.pt"), "-q"]).status == 0)
        let counted = try CLIRunner.run(["count", Self.path("gpt2.txt"), Self.path("gpt2.pt")])
        #expect(counted.status == 0 && counted.stdout.contains("parameters  4,240") && counted.stdout.contains("added '(lm_head.weight): (transformer.wte.weight)'"))
        let ambiguous = try CLIRunner.run(["load-into", Self.path("ambiguous.txt"), Self.path("ambiguous.safetensors"), "--complete", "-o", out + "2"])
        #expect(ambiguous.status == 2 && ambiguous.stderr.contains("'doc_embed.weight' and 'query_embed.weight'"))
        #expect(try CLIRunner.run(["load-into", Self.path("gpt2.txt"), Self.path("gpt2.pt"), "--complete"]).status == 2)
    }

    @Test func versionAndTheRecordTorchNeeds() throws {
        let v = try CLIRunner.run(["--version"])
        #expect(v.status == 0 && v.stdout.hasPrefix("ckpt "))
        let r = try CLIRunner.run(["inspect", Fixtures.path("torch_files/no_version.pt")])
        #expect(r.status == 0 && r.stdout.contains("warning: the archive has no version record: torch.load refuses it"))
        let j = try CLIRunner.run(["inspect", Fixtures.path("torch_files/no_version.pt"), "--json"])
        #expect((try j.json()["warnings"] as? [String])?.count == 1)
    }
}
