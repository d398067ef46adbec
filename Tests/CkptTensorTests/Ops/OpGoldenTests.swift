import Testing
@testable import CkptTensor

/// Every op against PyTorch: value, grad_fn name and the gradients of `(out * g).sum()`.
@Suite struct OpGoldenTests {
    static let families = ["arithmetic", "unary", "activation", "select", "reduce", "shape", "index", "linalg", "functional", "loss"]

    @Test(arguments: families)
    func matchesPyTorch(_ family: String) throws {
        let golden = try GoldenFamily.load(family)
        #expect(!golden.cases.isEmpty)
        for (n, c) in golden.cases.enumerated() {
            let label = "\(family)[\(n)] \(c.op) \(c.args)"
            let op = try #require(OpTable.table[c.op], "no Swift op for \(c.op)")
            let inputs = try c.inputs.map { try $0.tensor() }
            let out = try op(inputs, GoldenArgs(values: c.args))
            if let problem = c.output.mismatch(out, rtol: c.rtol) { Issue.record("\(label): output \(problem)") }
            #expect(out.gradFn?.name == c.grad_fn, "\(label): grad_fn")
            guard let g = c.g, let grads = c.grads else { continue }
            try (out * g.tensor()).sum().backward()
            for (i, expected) in grads.enumerated() {
                guard let expected else { continue }
                let got = inputs[i].grad ?? Tensor.zeros(inputs[i].shape)
                if let problem = expected.mismatch(got, rtol: c.rtol) { Issue.record("\(label): grad of input \(i) \(problem)") }
            }
        }
    }
}
