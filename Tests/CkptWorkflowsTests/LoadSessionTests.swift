import CkptCore
import CkptFormats
import CkptReports
import CkptWorkflows
import Foundation
import Testing

/// A model and a checkpoint through one `LoadSession`: the reports load-into, verify and run are built on.
@Suite struct LoadSessionTests {
    typealias T = WorkflowsTestSupport

    func session(_ model: String, _ checkpoint: String, _ options: LoadOptions = LoadOptions(), values: Bool = true) throws -> LoadSession {
        try LoadSession(model: ModelSource(argument: T.model(model)), checkpoint: CheckpointReference(T.model(checkpoint)),
                        options: options, values: values)
    }

    @Test func matchingCheckpointLoadsEveryTensor() throws {
        for values in [true, false] {
            let r = try session("lenet.model", "lenet.pt", values: values).load()
            #expect(r.ok && r.loaded == 10 && r.modelTensors == 10 && r.modelClass == "Net" && r.diagnosis.isEmpty)
            #expect(r.model == T.model("lenet.model") && r.checkpoint == T.model("lenet.pt"))
        }
    }

    @Test func sizeMismatchesAreReportedWithPyTorchsError() throws {
        let r = try session("lenet.model", "lenet_wide_fc3.pt").load()
        #expect(!r.ok && r.loaded == 8 && r.sizeMismatch.map(\.key) == ["fc3.weight", "fc3.bias"])
        #expect(r.pytorchError?.contains("size mismatch for fc3.weight: copying a param with shape torch.Size([12, 84])") == true)
        #expect(r.diagnosis.last?.contains("all in 'fc3'") == true, "\(r.diagnosis)")
    }

    @Test func keyMapRenamesAndIsDiagnosedWhenMissing() throws {
        let wrapped = try session("lenet.model", "lenet_module_prefix.pt").load()
        #expect(!wrapped.ok && wrapped.diagnosis.contains { $0.contains("--map '^module\\.='") })
        let mapped = try session("lenet.model", "lenet_module_prefix.pt", LoadOptions(keyMap: ["^module\\.="])).load()
        #expect(mapped.ok && mapped.renamed.count == 10 && mapped.renamed.first == LoadIntoReport.Rename(from: "module.conv1.weight", to: "conv1.weight"))
        let loose = try session("lenet.model", "lenet_module_prefix.pt", LoadOptions(strict: false)).load()
        #expect(loose.ok && loose.loaded == 0 && loose.missingKeys.count == 10)
        #expect(throws: KeyMapError.missingSeparator(rule: "x")) { try session("lenet.model", "lenet.pt", LoadOptions(keyMap: ["x"])) }
    }

    /// Problems surface in reading order: the model, then the checkpoint, then the rules.
    @Test func modelErrorsComeBeforeCheckpointAndRuleErrors() throws {
        let missingModel = T.model("none.model")
        #expect(throws: PathError(path: missingModel, .noSuchFile)) {
            try LoadSession(model: ModelSource(argument: missingModel), checkpoint: CheckpointReference("none.pt"), options: LoadOptions(keyMap: ["x"]))
        }
        #expect(throws: FileError.self) { try session("lenet.model", "none.pt", LoadOptions(keyMap: ["x"])) }
    }

    @Test func matchShapePairsByOrderAndPlansTheMapping() throws {
        let s = try session("lenet_sequential.model", "lenet.pt", LoadOptions(matching: .shape))
        let plan = s.plan
        #expect(plan.rows.count == 10 && plan.notes.isEmpty)
        #expect(plan.rows.first == LoadPlan.Row(checkpointKey: "conv1.weight", modelKey: "0.weight"))
        #expect(plan.rows.contains(LoadPlan.Row(checkpointKey: "fc1.weight", modelKey: "7.weight")), "\(plan.rows)")
        #expect(try s.load().ok)
        let twin = try session("twin.model", "twin_renamed.pt", LoadOptions(matching: .shape))
        #expect(twin.plan.notes.count == 2 && twin.plan.notes.allSatisfy { $0.contains("could swap") })
        #expect(twin.plan.rows.filter { $0.checkpointKey == nil }.map(\.modelKey) == ["0.bias", "1.weight", "1.bias", "2.weight", "2.bias"])
        let r = try twin.load()
        #expect(!r.ok && r.diagnosis.contains { $0.contains("1.weight, 2.weight") && $0.contains("[8, 8]") })
    }

    @Test func trainingEntryNoteLeadsTheDiagnosis() throws {
        let r = try session("lenet.model", "lenet_training.pt").load()
        #expect(r.ok && r.diagnosis.first?.contains("using entry 'model_state_dict'") == true)
    }

    /// A head tied to the embedding and absent from the file: strict loading lists it as missing (as PyTorch does)
    /// and the diagnosis says it is harmless; an untied model is told which tie line to add.
    @Test func tiedWeightsAreExplained() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            var tensors = try Checkpoint.read(T.model("tied_lm.pt")).stateDict.tensors
            tensors.removeValue(forKey: "head.weight")
            let checkpoint = dir.appendingPathComponent("lm.safetensors").path
            try Checkpoint.write(StateDict(tensors: tensors), to: checkpoint, format: .safetensors)
            let tied = try LoadSession(model: ModelSource(argument: T.model("tied_lm.model")), checkpoint: CheckpointReference(checkpoint)).load()
            #expect(!tied.ok && tied.missingKeys == ["head.weight"] && tied.diagnosis.contains { $0.contains("is tied to 'embed.weight', which loaded") })
            let text = try String(contentsOfFile: T.model("tied_lm.model"), encoding: .utf8).replacingOccurrences(of: "  (head.weight): (embed.weight)\n", with: "")
            let untied = try T.write(text, to: "lm.model", in: dir)
            let r = try LoadSession(model: ModelSource(argument: untied), checkpoint: CheckpointReference(checkpoint)).load()
            #expect(r.diagnosis.contains { $0.contains("add the line '(head.weight): (embed.weight)'") }, "\(r.diagnosis)")
        }
    }

    /// `-o`: the model's state_dict after loading, in the checkpoint's bytes for the keys that loaded.
    @Test func loadIntoWritesTheLoadedStateDict() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let out = dir.appendingPathComponent("loaded.safetensors").path
            let r = try session("lenet.model", "lenet_module_prefix.pt", LoadOptions(keyMap: ["^module\\.="])).loadInto(writingTo: out)
            #expect(r.ok)
            let written = try Checkpoint.read(out).stateDict.tensors
            let original = try Checkpoint.read(T.model("lenet.pt")).stateDict.tensors
            #expect(Array(written.keys) == Array(original.keys))
            #expect(try written.values.map { try $0.contiguousBytes() } == original.values.map { try $0.contiguousBytes() })
            let notLoaded = dir.appendingPathComponent("wide.pt").path
            #expect(try !session("lenet.model", "lenet_wide_fc3.pt").loadInto(writingTo: notLoaded).ok)
            #expect(!FileManager.default.fileExists(atPath: notLoaded), "nothing is written when the load fails")
            let s = try session("lenet.model", "lenet.pt")
            _ = try s.load()
            let bad = dir.appendingPathComponent("x.xyz").path
            #expect(throws: PathError(path: bad, .unknownExtension(extensions: ".pt .h5 .safetensors .npz"))) { try s.writeStateDict(to: bad) }
        }
    }
}
