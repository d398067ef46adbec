import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import Foundation
import Testing

/// Writing `Optimizer.stateDict()` with ckpt's torch-zip writer: resumed from torch's 3-step checkpoint and
/// trained 2 more steps, the training checkpoint ckpt writes must read back with the same layout as the one
/// torch wrote (keys and key types, tuples, None, dtypes and shapes, hyperparameter values).
/// With `CKPT_OPTIM_EXPORT_DIR` set, the files are also written there for `Fixtures/check_optim_with_torch.py`,
/// which loads them with real PyTorch.
@Suite struct OptimStateDictWriteTests {
    /// `{'epoch': 5, 'model_state_dict', 'optimizer_state_dict', 'loss'}` after resuming `c` for 2 steps, as
    /// PyTorch's "saving a general checkpoint" recipe saves it, with the optimizer that produced it.
    static func resumedCheckpoint(_ c: OptimCheckpointCase) throws -> (StateDict, Optimizer) {
        let model = try c.model()
        let optimizer = try c.freshOptimizer(model.parameters())
        try optimizer.loadStateDict(try c.optimizerState)
        let losses = try c.train(model, optimizer, steps: 2)
        var modelState = CheckpointDict(isOrdered: true)
        for (key, entry) in try model.stateDictEntries() { modelState[key] = .tensor(entry) }
        var root = CheckpointDict(isOrdered: false)
        root["epoch"] = .int(5)
        root["model_state_dict"] = .dict(modelState)
        root["optimizer_state_dict"] = .dict(try optimizer.stateDict())
        root["loss"] = .float(Double(try #require(losses.last)))
        return (StateDict(root: .dict(root)), optimizer)
    }

    /// Writes and reads back with ckpt's own torch-zip writer and reader.
    static func roundTrip(_ stateDict: StateDict, name: String) throws -> StateDict {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-optim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("\(name).pt").path
        try Checkpoint.write(stateDict, to: path, format: .torchZip)
        let back = try Checkpoint.read(path)
        #expect(back.format == .torchZip)
        return back.stateDict
    }

    @Test(arguments: OptimCheckpointCase.names)
    func writtenTrainingCheckpointHasTorchsLayout(_ name: String) throws {
        let c = try OptimCheckpointCase(name)
        let (written, optimizer) = try Self.resumedCheckpoint(c)
        let back = try Self.roundTrip(written, name: name)
        let differences = CheckpointLayout.differences(back.root, .dict(c.checkpoint), valuesUnder: "optimizer_state_dict",
                                                       ignoringMetadataOf: ["model_state_dict"])
        #expect(differences.isEmpty, "\(name): \(differences.joined(separator: "; "))")

        // The state read back is the optimizer's, bit for bit, and loads into a fresh optimizer unchanged.
        let readState = try #require(back.root.dict?["optimizer_state_dict"]?.dict)
        let fresh = try c.freshOptimizer(try c.model().parameters())
        try fresh.loadStateDict(readState)
        #expect(fresh.state.keys.sorted() == optimizer.state.keys.sorted())
        for (index, entries) in optimizer.state {
            for (key, t) in entries { #expect(fresh.state[index]?[key]?.scalars == t.scalars, "\(name) state[\(index)]['\(key)']") }
        }
        #expect(CheckpointLayout.differences(.dict(try fresh.stateDict()), .dict(readState), valuesUnder: "").isEmpty)

        if let dir = ProcessInfo.processInfo.environment["CKPT_OPTIM_EXPORT_DIR"] {
            try Checkpoint.write(written, to: URL(fileURLWithPath: dir).appendingPathComponent("\(name).pt").path, format: .torchZip)
        }
    }

    @Test func optimizerStateDictAloneHasTorchsLayout() throws {
        let c = try OptimCheckpointCase("adam_amsgrad")
        let model = try c.model()
        let optimizer = try c.freshOptimizer(model.parameters())
        try optimizer.loadStateDict(try c.optimizerState)
        let back = try Self.roundTrip(StateDict(root: .dict(try optimizer.stateDict())), name: "optimizer")
        let torchState = CheckpointValue.dict(try c.optimizerState)
        #expect(CheckpointLayout.differences(back.root, torchState, valuesUnder: "").isEmpty)
    }

    @Test func layoutDifferencesAreFound() throws {
        let c = try OptimCheckpointCase("adam")
        let torch = CheckpointValue.dict(try c.optimizerState)
        var edited = try c.optimizerState
        var group = try #require(edited["param_groups"]?.list?.first?.dict)
        group["betas"] = .list([.float(0.9), .float(0.999)])
        group["fused"] = .bool(false)
        edited["param_groups"] = .list([.dict(group)])
        var state = try #require(edited["state"]?.dict)
        state.items = .init(uniqueKeysWithValues: state.items.map { (CheckpointDict.Key.string($0.key.description), $0.value) })
        edited["state"] = .dict(state)
        let found = CheckpointLayout.differences(.dict(edited), torch, valuesUnder: "")
        #expect(found.contains("state: keys [\"0\", \"1\", \"2\", \"3\"], expected [0, 1, 2, 3]"))
        #expect(found.contains("param_groups.0.betas: a list, expected a tuple"))
        #expect(found.contains("param_groups.0.fused: False, expected None"))
    }
}
