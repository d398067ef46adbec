import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// 2-layer LSTM and GRU over 50 steps against PyTorch (`Fixtures/nn_attention/attention.json`): the output, the
/// input gradient and every parameter's gradient within 1e-4 relative (the issue's bound for 50 steps), through the
/// autograd path and through the fused no-grad path.
@Suite struct LongSequenceTests {
    @Test(arguments: [("lstm_50_steps", RecurrentMode.lstm), ("gru_50_steps", .gru)])
    func recurrentOverFiftyStepsMatchesPyTorch(name: String, mode: RecurrentMode) throws {
        let g = try AttentionTests.golden(name)
        let m = try RecurrentLayer(mode: mode, 8, 16, numLayers: 2)
        #expect(m.description == g["repr"] as? String)
        let params = try #require(g["params"] as? [String: Any])
        for (key, t) in m.stateDict() {
            let values = try AttentionTests.floats(params[key])
            try Tensor.noGrad { try t.copy_(try Tensor(values, shape: t.shape)) }
        }
        let x = try Tensor(try AttentionTests.floats((g["inputs"] as? [Any])?.first), shape: [50, 3, 8], requiresGrad: true)
        let y = try m.forward([.tensor(x)])
        guard case .tuple(let items) = y else { Issue.record("no tuple"); return }
        let out = try items[0].asTensor()
        expectClose(out.scalars, try AttentionTests.floats((g["outputs"] as? [Any])?.first), tolerance: 1e-4, "\(name) output")
        try NormalizationParityTests.weighted(out, sin).backward()
        expectClose(x.grad?.scalars, try AttentionTests.floats((g["input_grads"] as? [Any])?.first), tolerance: 1e-4, "\(name) input grad")
        let grads = try #require(g["grads"] as? [String: Any])
        for (key, p) in m.namedParameters() { expectClose(p.grad?.scalars, try AttentionTests.floats(grads[key]), tolerance: 1e-4, "\(name) grad \(key)") }
        let fused = try Tensor.noGrad { try m.forward([.tensor(x.detach())]) }
        guard case .tuple(let fusedItems) = fused else { Issue.record("no tuple"); return }
        expectClose(try fusedItems[0].asTensor().scalars, try AttentionTests.floats(g["no_grad_output"]), tolerance: 1e-4, "\(name) no-grad output")
    }
}
