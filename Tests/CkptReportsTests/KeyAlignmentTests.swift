import CkptCore
import OrderedCollections
import Testing
@testable import CkptReports

/// Checkpoint keys renamed by rules, then matched by shape, and the plan that shows the result.
@Suite struct KeyAlignmentTests {
    func tensors(_ pairs: [(String, [Int])]) throws -> OrderedDictionary<String, TensorEntry> {
        var d = OrderedDictionary<String, TensorEntry>()
        for (k, s) in pairs { d[k] = try TensorEntry.float32([Float](repeating: 0, count: s.reduce(1, *)), shape: s) }
        return d
    }

    @Test func rulesThenShapes() throws {
        let checkpoint = try tensors([("module.enc.weight", [4, 2]), ("module.enc.bias", [4]), ("module.out.weight", [1, 4])])
        let model: [(key: String, shape: [Int])] = [("encoder.weight", [4, 2]), ("encoder.bias", [4]), ("out.weight", [1, 4])]
        let a = try KeyAlignment(checkpoint, modelShapes: model, keyMap: try KeyMap(["^module\\.="]), matchShapes: true)
        #expect(Array(a.tensors.keys) == ["encoder.weight", "encoder.bias", "out.weight"] && a.notes.isEmpty)
        #expect(a.renamed.map { "\($0.from)>\($0.to)" } == ["module.out.weight>out.weight", "module.enc.weight>encoder.weight", "module.enc.bias>encoder.bias"])
        let plan = LoadPlan(modelShapes: model, checkpointShapes: a.tensors.map { ($0.key, $0.value.shape) }, renamed: a.renamed)
        #expect(plan.rows == [.init(checkpointKey: "module.enc.weight", modelKey: "encoder.weight"),
                              .init(checkpointKey: "module.enc.bias", modelKey: "encoder.bias"),
                              .init(checkpointKey: "module.out.weight", modelKey: "out.weight")])
        let byName = try KeyAlignment(checkpoint, modelShapes: model, keyMap: try KeyMap(["^module\\.="]), matchShapes: false)
        #expect(Array(byName.tensors.keys) == ["enc.weight", "enc.bias", "out.weight"])
    }

    @Test func planShowsMissingUnexpectedAndMisSized() throws {
        let plan = LoadPlan(modelShapes: [("a", [2]), ("b", [3])], checkpointShapes: [("a", [4]), ("c", [1])], renamed: [])
        #expect(plan.rows == [.init(checkpointKey: "a", modelKey: "a", checkpointShape: [4], modelShape: [2]),
                              .init(checkpointKey: nil, modelKey: "b"), .init(checkpointKey: "c", modelKey: nil)])
    }

    @Test func collidingRulesAreErrors() throws {
        let checkpoint = try tensors([("module.w", [1]), ("model.w", [1])])
        #expect(throws: KeyMapError.collision(first: "module.w", second: "model.w", target: "w")) {
            try KeyAlignment(checkpoint, modelShapes: [], keyMap: try KeyMap(["^(module|model)\\.="]), matchShapes: false)
        }
    }
}
