import OrderedCollections
import Testing
@testable import CkptCore

@Suite struct StateDictTests {
    func tensor(_ n: Int) throws -> CheckpointValue { .tensor(try TensorEntry.float32([Float](repeating: 1, count: n), shape: [n])) }

    /// `{'model': OrderedDict(...), 'optimizer': {'state': {0: {...}}, 'param_groups': [{'lr': 0.01, 'params': [0, 1]}]}, 'epoch': 3}`
    func trainingCheckpoint() throws -> StateDict {
        var model = CheckpointDict()
        model["0.weight"] = try tensor(4)
        model["0.bias"] = try tensor(2)
        var moments = CheckpointDict(isOrdered: false)
        moments["step"] = .int(2)
        moments["exp_avg"] = try tensor(4)
        var state = CheckpointDict(isOrdered: false)
        state.items[.int(0)] = .dict(moments)
        var group = CheckpointDict(isOrdered: false)
        group["lr"] = .float(0.01)
        group["params"] = .list([.int(0), .int(1)])
        var optimizer = CheckpointDict(isOrdered: false)
        optimizer["state"] = .dict(state)
        optimizer["param_groups"] = .list([.dict(group)])
        var root = CheckpointDict(isOrdered: false)
        root["model"] = .dict(model)
        root["optimizer"] = .dict(optimizer)
        root["epoch"] = .int(3)
        return StateDict(root: .dict(root))
    }

    @Test func flattensNestedCheckpointsToDottedKeys() throws {
        let sd = try trainingCheckpoint()
        #expect(Array(sd.tensors.keys) == ["model.0.weight", "model.0.bias", "optimizer.state.0.exp_avg"])
        #expect(Array(sd.metadata.keys) == ["optimizer.state.0.step", "optimizer.param_groups.0.lr",
                                            "optimizer.param_groups.0.params", "epoch"])
        #expect(sd.metadata["optimizer.param_groups.0.params"]?.description == "[0, 1]")
        #expect(sd.metadata["optimizer.param_groups.0.lr"]?.description == "0.01")
    }

    @Test func entrySelectsSubtrees() throws {
        let sd = try trainingCheckpoint()
        #expect(Array(try sd.entry("model").tensors.keys) == ["0.weight", "0.bias"])
        #expect(Array(try sd.entry("optimizer.state").tensors.keys) == ["0.exp_avg"])
        #expect(try sd.entry("model.0.weight").root.tensor?.shape == [4])
        #expect(throws: CheckpointError.self) { try sd.entry("nothing") }
        #expect(throws: CheckpointError.self) { try sd.entry("epoch.x") }
    }

    @Test func sharedStorageIsReportedAgainstTheFirstKey() throws {
        let s = TensorStorage(key: "0", dtype: .float32, bytes: .bytes([UInt8](repeating: 0, count: 64)))
        let w = try TensorEntry(dtype: .float32, shape: [4, 4], storage: s)
        let other = try TensorEntry.float32([1, 2], shape: [2])
        let sd = StateDict(tensors: ["2.weight": w, "3.bias": other, "4.weight": w])
        #expect(sd.sharedWith == ["4.weight": "2.weight"])
    }

    @Test func mapTensorsKeepsTreeAndOrder() throws {
        let sd = try trainingCheckpoint().mapTensors { _, t in try t.converted(to: .float16) }
        #expect(sd.tensors.values.allSatisfy { $0.dtype == .float16 })
        #expect(Array(sd.metadata.keys).count == 4)
    }

    @Test func pythonReprOfValues() {
        #expect(CheckpointValue.float(1).description == "1.0")
        #expect(CheckpointValue.float(1e-5).description == "1e-05")
        #expect(CheckpointValue.tuple([.float(0.9), .float(0.999)]).description == "(0.9, 0.999)")
        #expect(CheckpointValue.tuple([.int(1)]).description == "(1,)")
        #expect(CheckpointValue.string("adam").description == "'adam'")
        #expect(CheckpointValue.none.description == "None")
        #expect(CheckpointValue.bool(true).description == "True")
    }
}
