import CkptTestSupport
import Testing
@testable import CkptTensor

/// The whole-layer LSTM node (`Tensor.lstmLayer`, `MkldnnRnnLayerBackward0`) against finite differences, in both
/// directions, with and without initial states, on the BLAS path (hidden 3) and the packed kernel's (hidden 16).
@Suite struct LSTMLayerGradientTests {
    /// Input, w_ih, w_hh, b_ih, b_hh, h_0, c_0 for `steps × batch` of 3 features into `hidden` (all but the input
    /// scaled by 0.5, so that the gates do not saturate).
    static func tensors(steps: Int, batch: Int, hidden: Int, seed: UInt64) -> [Tensor] {
        let g = 4 * hidden
        let shapes = [[g, 3], [g, hidden], [g], [g], [batch, hidden], [batch, hidden]]
        return [GradCheck.leaf([steps, batch, 3], seed: seed)] + shapes.enumerated().map { GradCheck.leaf($1, seed: seed + UInt64($0) + 1, scale: 0.5) }
    }

    /// Output, h_n and c_n in one tensor, so that a check covers the gradients arriving through all three.
    static func run(_ t: [Tensor], states: Bool, reverse: Bool) throws -> Tensor {
        let r = try Tensor.lstmLayer(input: t[0], weightIH: t[1], weightHH: t[2], biasIH: t[3], biasHH: t[4],
                                     h0: states ? t[5] : nil, c0: states ? t[6] : nil, reverse: reverse)
        return try Tensor.cat([r.output.reshape([-1]), r.h.reshape([-1]) * 2, r.c.tanh().reshape([-1])])
    }

    @Test(arguments: [3, 16], [false, true])
    func gradientsMatchFiniteDifferences(hidden: Int, reverse: Bool) throws {
        for states in [true, false] {
            let t = Self.tensors(steps: 4, batch: 2, hidden: hidden, seed: UInt64(hidden) * 10)
            let failure = try GradCheck.float32.mismatch(states ? t : Array(t[..<5])) { try Self.run(t, states: states, reverse: reverse) }
            #expect(failure == nil, "hidden \(hidden) reverse \(reverse) states \(states): \(failure ?? "")")
        }
    }

    @Test func oneNodeWithThreeOutputsAndPyTorchsNextFunctions() throws {
        let t = Self.tensors(steps: 3, batch: 2, hidden: 4, seed: 1)
        let r = try Tensor.lstmLayer(input: t[0], weightIH: t[1], weightHH: t[2], biasIH: t[3], biasHH: t[4], h0: nil, c0: nil, reverse: false)
        let node = try #require(r.output.gradFn)
        #expect(node.name == "MkldnnRnnLayerBackward0")
        #expect(r.h.gradFn === node && r.c.gradFn === node && [r.output, r.h, r.c].map(\.outputNr) == [0, 1, 2])
        #expect(node.nextFunctions.map { $0.0?.name } == Array(repeating: "AccumulateGrad", count: 5) + [nil, nil])
        // The last step's output is h_n; without grad mode, no node.
        #expect(try r.output.select(dim: 0, index: 2).scalars == r.h.scalars)
        let plain = try Tensor.noGrad {
            try Tensor.lstmLayer(input: t[0], weightIH: t[1], weightHH: t[2], biasIH: t[3], biasHH: t[4], h0: nil, c0: nil, reverse: false)
        }
        #expect(plain.output.gradFn == nil && plain.output.scalars == r.output.scalars && plain.c.scalars == r.c.scalars)
    }

    /// Only the gradients asked for are computed; a sequence of one step and one of none still give them.
    @Test func shortSequencesAndPartialRequirements() throws {
        for steps in [0, 1] {
            let t = Self.tensors(steps: steps, batch: 2, hidden: 3, seed: 7)
            t[1].requiresGrad = false
            t[3].requiresGrad = false
            let r = try Tensor.lstmLayer(input: t[0], weightIH: t[1], weightHH: t[2], biasIH: t[3], biasHH: t[4], h0: t[5], c0: t[6], reverse: false)
            try (r.h.sum() + r.c.sum() * 3).backward()
            #expect(t[1].grad == nil && t[3].grad == nil)
            #expect(t[0].grad?.shape == [steps, 2, 3] && t[2].grad?.shape == [12, 3] && t[4].grad?.shape == [12])
            if steps == 0 {
                #expect(t[5].grad?.scalars == [Float](repeating: 1, count: 6) && t[6].grad?.scalars == [Float](repeating: 3, count: 6))
                #expect(t[2].grad?.scalars.allSatisfy { $0 == 0 } == true)
            }
        }
        let t = Self.tensors(steps: 1, batch: 2, hidden: 3, seed: 8)
        #expect(try GradCheck.float32.mismatch(t) { try Self.run(t, states: true, reverse: true) } == nil)
    }
}
