import CkptTestSupport
import Testing
@testable import CkptTensor

/// The fused LSTM and GRU cells (the recurrent layers' training path) against finite differences, and against
/// the same step written op by op; the layers' PyTorch goldens (CkptNNTests.LayerRecurrentTests) check them too.
@Suite struct RecurrentCellGradientTests {
    @Test func lstmCellGradientsMatchFiniteDifferences() throws {
        let gates = GradCheck.leaf([3, 20], seed: 1), c = GradCheck.leaf([3, 5], seed: 2)
        #expect(try GradCheck.float32.mismatch([gates, c]) { try Tensor.lstmCell(gates: gates, c: c).h } == nil)
        #expect(try GradCheck.float32.mismatch([gates, c]) { try Tensor.lstmCell(gates: gates, c: c).c } == nil)
        // Both outputs in one loss: the cell state's gradient arrives from h' and from the loss at once.
        #expect(try GradCheck.float32.mismatch([gates, c]) {
            let r = try Tensor.lstmCell(gates: gates, c: c)
            return try r.h * 2 + r.c.tanh()
        } == nil)
    }

    @Test func gruCellGradientsMatchFiniteDifferences() throws {
        let x = GradCheck.leaf([3, 15], seed: 3), hg = GradCheck.leaf([3, 15], seed: 4), h = GradCheck.leaf([3, 5], seed: 5)
        #expect(try GradCheck.float32.mismatch([x, hg, h]) { try Tensor.gruCell(inputGates: x, hiddenGates: hg, h: h) } == nil)
    }

    /// Values and gradients equal those of the unfused step (chunk, sigmoid, tanh, products), within the
    /// activations' few-ulp difference.
    @Test func fusedCellsMatchTheOpByOpStep() throws {
        let gates = GradCheck.leaf([4, 24], seed: 6), c = GradCheck.leaf([4, 6], seed: 7)
        let fused = try Tensor.lstmCell(gates: gates, c: c)
        try (fused.h * 3 + fused.c).sum().backward()
        let (fg, fc) = (gates.grad?.scalars ?? [], c.grad?.scalars ?? [])
        gates.grad = nil; c.grad = nil
        let g = try gates.chunk(4, dim: -1)
        let c2 = try g[1].sigmoid() * c + g[0].sigmoid() * g[2].tanh()
        let h2 = try g[3].sigmoid() * c2.tanh()
        try (h2 * 3 + c2).sum().backward()
        for (a, b) in [(fused.h.scalars, h2.scalars), (fused.c.scalars, c2.scalars), (fg, gates.grad?.scalars ?? []),
                       (fc, c.grad?.scalars ?? [])] {
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        #expect(fused.h.gradFn?.name == "ThnnFusedLstmCellBackward0")
    }

    @Test func shapesThatDoNotFitAreRefused() {
        #expect(throws: TensorError.self) { try Tensor.lstmCell(gates: Tensor.zeros([2, 7]), c: Tensor.zeros([2, 2])) }
        #expect(throws: TensorError.self) {
            try Tensor.gruCell(inputGates: Tensor.zeros([2, 6]), hiddenGates: Tensor.zeros([2, 9]), h: Tensor.zeros([2, 2]))
        }
    }
}
