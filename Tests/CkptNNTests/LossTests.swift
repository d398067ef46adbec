import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// Loss modules against PyTorch (`Fixtures/nn_layers/losses.json`).
@Suite struct LossTests {
    @Test func lossModulesMatchPyTorch() throws {
        let g = try Fixtures.json("nn_layers/losses.json")
        func floats(_ k: String) throws -> [Float] { try #require(g[k] as? [Double]).map(Float.init) }
        let x = try Tensor(try floats("x"), shape: [4, 3])
        let t = try Tensor(try floats("t"), shape: [4, 3])
        let b = try Tensor(try floats("b"), shape: [4, 3])
        let cls = try Tensor(indices: try #require(g["cls"] as? [Int]), shape: [4])
        let cases: [(String, LossModule, Tensor, Tensor)] = [
            ("L1Loss", L1Loss(), x, t), ("L1Loss_sum", L1Loss(reduction: .sum), x, t),
            ("MSELoss", MSELoss(), x, t), ("MSELoss_none", MSELoss(reduction: .none), x, t),
            ("CrossEntropyLoss", CrossEntropyLoss(), x, cls),
            ("CrossEntropyLoss_ls", CrossEntropyLoss(labelSmoothing: 0.1), x, cls),
            ("NLLLoss", NLLLoss(), try x.logSoftmax(dim: 1), cls),
            ("KLDivLoss", KLDivLoss(reduction: .batchmean), try x.logSoftmax(dim: 1), try t.softmax(dim: 1)),
            ("BCELoss", BCELoss(), x.sigmoid(), b), ("BCEWithLogitsLoss", BCEWithLogitsLoss(), x, b),
        ]
        for (name, module, input, target) in cases {
            let golden = try #require(g[name] as? [String: Any])
            let want = try #require(golden["value"] as? [Double]).map(Float.init)
            let got = try module(input, target).scalars
            expectClose(got, want, "\(name): \(got) vs \(want)")
            #expect(module.description == golden["repr"] as? String)
            #expect(module.stateDict().isEmpty)
        }
    }

    @Test func lossModuleTakesTwoInputs() throws {
        let x = try Tensor([1, 2], shape: [2])
        #expect(throws: NNError.self) { try MSELoss().forward([.tensor(x)]) }
        #expect(Reduction(argument: .string("average")) == nil)
        #expect(Reduction(argument: .string("sum")) == .sum)
    }
}
