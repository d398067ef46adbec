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
