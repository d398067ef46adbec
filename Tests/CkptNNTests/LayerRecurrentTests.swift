import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// 2-layer bidirectional batch_first LSTM/GRU/RNN over 6 steps and Embedding with padding_idx against PyTorch:
/// outputs, input gradients and every parameter gradient.
@Suite struct LayerRecurrentTests {
    @Test(arguments: [("LSTM", RecurrentMode.lstm), ("GRU", .gru), ("RNN", .rnnTanh)])
    func recurrentMatchesPyTorch(name: String, mode: RecurrentMode) throws {
        let all = try LayerTests.golden("recurrent")
        let g = try #require(all[name] as? [String: Any])
        let m = try RecurrentLayer(mode: mode, 3, 4, numLayers: 2, batchFirst: true, bidirectional: true)
        let params = try #require(g["params"] as? [String: Any])
        #expect(m.stateDict().keys.sorted() == params.keys.sorted())
        for (key, t) in m.stateDict() { try LayerTests.load(t, try LayerTests.floats(params, key)) }
        let x = try Tensor(try LayerTests.floats(g, "x"), shape: [2, 6, 3], requiresGrad: true)
        guard case .tuple(let outs) = try m.forward([.tensor(x)]), let first = outs.first else { Issue.record("no output"); return }
        let y = try first.asTensor()
        #expect(y.shape == [2, 6, 8])
        expectClose(y.scalars, try LayerTests.floats(g, "y"), "\(name) y")
        try NormalizationParityTests.weighted(y, sin).backward()
        expectClose(x.grad?.scalars, try LayerTests.floats(g, "gx"), "\(name) grad x")
        let grads = try #require(g["grads"] as? [String: Any])
        for (key, p) in m.namedParameters() { expectClose(p.grad?.scalars, try LayerTests.floats(grads, key), "\(name) grad \(key)") }
    }

    /// The recorded graphs have PyTorch's CPU nodes (as `grad_fn.next_functions` prints them): LSTM one
    /// `MkldnnRnnLayerBackward0` per layer and direction (output 0 the sequence, 1 h_n, 2 c_n; states through
    /// `SelectBackward0`), RNN per step the hidden projection plus a piece of one `UnbindBackward0`.
    @Test func recordedGraphsHavePyTorchsCPUNodes() throws {
        func edges(_ fn: GradFn?) -> [String] { fn?.nextFunctions.map { "\($0.0?.name ?? "None") \($0.1)" } ?? [] }
        let gen = Generator(seed: 2)
        let x = Tensor.randn([5, 2, 3], generator: gen), h0 = Tensor.randn([4, 2, 4], generator: gen), c0 = Tensor.randn([4, 2, 4], generator: gen)
        for t in [x, h0, c0] { t.requiresGrad = true }
        let lstm = try RecurrentLayer(mode: .lstm, 3, 4, numLayers: 2, bidirectional: true)
        guard case .tuple(let outs) = try lstm.forward([.tensor(x), .tuple([.tensor(h0), .tensor(c0)])]),
              case .tuple(let hc) = outs[1] else { Issue.record("no (output, (h_n, c_n))"); return }
        let (y, h, c) = (try outs[0].asTensor(), try hc[0].asTensor(), try hc[1].asTensor())
        #expect(y.gradFn?.name == "CatBackward0" && edges(y.gradFn) == Array(repeating: "MkldnnRnnLayerBackward0 0", count: 2))
        #expect(h.gradFn?.name == "StackBackward0" && edges(h.gradFn) == Array(repeating: "MkldnnRnnLayerBackward0 1", count: 4))
        #expect(edges(c.gradFn) == Array(repeating: "MkldnnRnnLayerBackward0 2", count: 4))
        #expect(edges(y.gradFn?.nextFunctions[0].0) == ["CatBackward0 0"] + Array(repeating: "AccumulateGrad 0", count: 4)
                + ["SelectBackward0 0", "SelectBackward0 0"])
        let rnn = try RecurrentLayer(mode: .rnnTanh, 3, 4)
        guard case .tuple(let rnnOuts) = try rnn.forward([.tensor(x)]) else { Issue.record("no (output, h_n)"); return }
        let steps = try rnnOuts[0].asTensor().gradFn?.nextFunctions ?? []
        #expect(steps.map { $0.0?.name } == Array(repeating: "TanhBackward0", count: 5))
        #expect(steps.enumerated().allSatisfy { t, step in
            edges(step.0?.nextFunctions.first?.0) == ["AddmmBackward0 0", "UnbindBackward0 \(t)"]
        })
    }

    @Test(arguments: [("LSTMCell", RecurrentMode.lstm), ("GRUCell", .gru), ("RNNCell", .rnnTanh)])
    func cellSteppedSixTimesMatchesPyTorch(name: String, mode: RecurrentMode) throws {
        let all = try LayerTests.golden("cells")
        let g = try #require(all[name] as? [String: Any])
        let m = RecurrentCell(mode: mode, 3, 4)
        let params = try #require(g["params"] as? [String: Any])
        #expect(m.stateDict().keys.sorted() == params.keys.sorted())
        for (key, t) in m.stateDict() { try LayerTests.load(t, try LayerTests.floats(params, key)) }
        let xs = try Tensor(try LayerTests.floats(g, "x"), shape: [6, 2, 3], requiresGrad: true)
        var state: ModuleValue? = nil
        var hs: [Tensor] = []
        for t in 0 ..< 6 {
            let out = try m.forward([.tensor(try xs.select(dim: 0, index: t))] + (state.map { [$0] } ?? []))
            if case .tuple(let hc) = out, let h = hc.first { hs.append(try h.asTensor()) } else { hs.append(try out.asTensor()) }
            state = out
        }
        let y = try Tensor.stack(hs)
        expectClose(y.scalars, try LayerTests.floats(g, "y"), "\(name) y")
        try NormalizationParityTests.weighted(y, sin).backward()
        expectClose(xs.grad?.scalars, try LayerTests.floats(g, "gx"), "\(name) grad x")
        let grads = try #require(g["grads"] as? [String: Any])
        for (key, p) in m.namedParameters() { expectClose(p.grad?.scalars, try LayerTests.floats(grads, key), "\(name) grad \(key)") }
    }

    @Test func embeddingWithPaddingIdxMatchesPyTorch() throws {
        let g = try LayerTests.golden("embedding")
        let m = try Embedding(6, 3, paddingIdx: 2)
        try LayerTests.load(m.parameter("weight"), try LayerTests.floats(g, "weight"))
        let idx = try Tensor(indices: try LayerTests.floats(g, "idx").map { Int($0) }, shape: [2, 3])
        let y = try m.forward(idx)
        expectClose(y.scalars, try LayerTests.floats(g, "y"), "embedding y")
        try NormalizationParityTests.weighted(y, sin).backward()
        let gw = try LayerTests.floats(g, "gw")
        #expect(gw[6 ..< 9].allSatisfy { $0 == 0 })
        expectClose(m.parameter("weight")?.grad?.scalars, gw, "embedding grad weight")
    }
}
