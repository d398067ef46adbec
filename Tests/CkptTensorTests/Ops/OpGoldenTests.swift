import CkptTestSupport
import Testing
@testable import CkptTensor

/// Every op against PyTorch: value, grad_fn name and the gradients of `(out * g).sum()`.
@Suite struct OpGoldenTests {
    static let families = ["arithmetic", "unary", "activation", "select", "reduce", "shape", "index", "linalg", "functional", "loss"]

    @Test(arguments: families)
    func matchesPyTorch(_ family: String) throws {
        let cases = try OpGoldenCase.family(family)
        #expect(!cases.isEmpty)
        for c in cases {
            let label = "\(family) \(c.name) \(c.args)"
            let op = try #require(OpTable.table[c.op], "no Swift op for \(c.op)")
            let inputs = try c.inputTensors()
            let out = try op(inputs, c.args)
            if let problem = try c.mismatch(out, "out", c.output) { Issue.record("\(label): output \(problem)") }
            #expect(out.gradFn?.name == c.gradFn, "\(label): grad_fn")
            guard let g = try c.gTensor() else { continue }
            try (out * g).sum().backward()
            for (i, expected) in c.grads.enumerated() {
                guard let expected else { continue }
                let got = inputs[i].grad ?? Tensor.zeros(inputs[i].shape)
                if let problem = try c.mismatch(got, "grad\(i)", expected) { Issue.record("\(label): grad of input \(i) \(problem)") }
            }
        }
    }
}
