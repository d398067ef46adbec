import CkptNN
import CkptTensor
import Testing

/// Without a graph to record, the recurrent layers run the fused `RecurrentKernel`; it must give what the
/// op-by-op autograd path gives (which the PyTorch goldens of LayerRecurrentTests check), for every mode. LSTM runs
/// the kernel when recording too (one node per layer, `Tensor.lstmLayer`): its values and gradients must be those of
/// the graph of per-step cells. Serialized: two tests lower the kernels' instruction level, a process-wide setting.
@Suite(.serialized) struct RecurrentFusedTests {
    static func values(_ t: ModuleValue) throws -> [[Float]] {
        switch t {
        case .tensor(let x): return [x.scalars]
        case .tuple(let items): return try items.flatMap { try values($0) }
        default: return []
        }
    }

    /// Hidden 6 takes the BLAS path; 32 (7 batch rows: tiles of 6 and 1) the packed AVX2 kernel on one core;
    /// 64 at batch 16 the packed kernel split across cores.
    @Test(arguments: [RecurrentMode.lstm, .gru, .rnnTanh, .rnnRelu], [(6, 3), (32, 7), (64, 16)])
    func noGradForwardMatchesTheAutogradPath(mode: RecurrentMode, size: (hidden: Int, batch: Int)) throws {
        let gen = Generator(seed: 3)
        let (h, n) = size
        let m = try RecurrentLayer(mode: mode, 5, h, numLayers: 2, batchFirst: true, bidirectional: true)
        let x = Tensor.randn([n, 7, 5], generator: gen)
        let state = { Tensor.randn([4, n, h], generator: gen) }
        let states = mode == .lstm ? ModuleValue.tuple([.tensor(state()), .tensor(state())]) : .tensor(state())
        for args in [[ModuleValue.tensor(x)], [.tensor(x), states]] {
            let graph = try Self.values(m.forward(args))
            let fused = try Tensor.noGrad { try Self.values(m.forward(args)) }
            #expect(graph.map(\.count) == fused.map(\.count))
            let worst = zip(graph.joined(), fused.joined()).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 1e-5, "\(mode) \(size) with \(args.count) arguments: max diff \(worst)")
        }
    }

    /// Every instruction level this CPU has (AVX-512, AVX2 + FMA, none: BLAS) gives the autograd path's values,
    /// at batches that use every tile height of both packed kernels (16, 8, 4, 2, 1 rows; 6 down to 1).
    @Test func everyInstructionLevelMatchesTheAutogradPath() throws {
        let best = RecurrentKernel.instructionLevel
        defer { RecurrentKernel.instructionLevel = best }
        let gen = Generator(seed: 9)
        for mode in [RecurrentMode.lstm, .gru, .rnnTanh] {
            for batch in [1, 7, 16, 31] {
                let m = try RecurrentLayer(mode: mode, 5, 48, numLayers: 2)
                let x = Tensor.randn([6, batch, 5], generator: gen)
                let graph = try Self.values(m.forward([.tensor(x)]))
                for level in (0 ... best).reversed() {
                    RecurrentKernel.instructionLevel = level
                    #expect(RecurrentKernel.instructionLevel == level)
                    let fused = try Tensor.noGrad { try Self.values(m.forward([.tensor(x)])) }
                    let worst = zip(graph.joined(), fused.joined()).map { abs($0 - $1) }.max() ?? 1
                    #expect(worst < 1e-5, "\(mode) batch \(batch) at level \(level): max diff \(worst)")
                }
            }
        }
    }

    /// The LSTM's recorded path (the kernel keeping its gates and cell states) at every instruction level against the
    /// graph of per-step `lstmCell` nodes: output, h_n, c_n and all seven gradients, in both directions. Hidden 48 at
    /// batch 7 runs the packed forward product on one core, 64 at batch 16 splits it across cores.
    @Test func lstmLayerNodeMatchesTheGraphOfCellsAtEveryInstructionLevel() throws {
        let best = RecurrentKernel.instructionLevel
        defer { RecurrentKernel.instructionLevel = best }
        for size in [(steps: 5, batch: 7, hidden: 48), (4, 16, 64)] {
            try Self.checkLSTMLayerAgainstCells(size, levels: best)
        }
    }

    /// One size of the check above, at every level from `best` down.
    static func checkLSTMLayerAgainstCells(_ size: (steps: Int, batch: Int, hidden: Int), levels best: Int) throws {
        let gen = Generator(seed: 11)
        let (steps, batch, hidden) = size
        let leaves = [[steps, batch, 5], [4 * hidden, 5], [4 * hidden, hidden], [4 * hidden], [4 * hidden], [batch, hidden], [batch, hidden]].map {
            let t = Tensor.randn($0, generator: gen)
            t.requiresGrad = true
            return t
        }
        func gradients(_ run: () throws -> (Tensor, Tensor, Tensor)) throws -> [[Float]] {
            for t in leaves { t.grad = nil }
            let (y, h, c) = try run()
            try (y.sin().sum() + (h * c).sum() + c.sum()).backward()
            return [y.scalars, h.scalars, c.scalars] + leaves.map { $0.grad?.scalars ?? [] }
        }
        for reverse in [false, true] {
            let reference = try gradients {
                let proj = try leaves[0].linear(weight: leaves[1], bias: leaves[3]).unbind(dim: 0)
                var (h, c) = (leaves[5], leaves[6])
                var outputs = [Tensor?](repeating: nil, count: steps)
                for t in reverse ? Array((0 ..< steps).reversed()) : Array(0 ..< steps) {
                    (h, c) = try Tensor.lstmCell(gates: try proj[t] + h.linear(weight: leaves[2], bias: leaves[4]), c: c)
                    outputs[t] = h
                }
                return (try Tensor.stack(outputs.compactMap { $0 }), h, c)
            }
            for level in (0 ... best).reversed() {
                RecurrentKernel.instructionLevel = level
                let layer = try gradients {
                    let r = try Tensor.lstmLayer(input: leaves[0], weightIH: leaves[1], weightHH: leaves[2], biasIH: leaves[3],
                                                 biasHH: leaves[4], h0: leaves[5], c0: leaves[6], reverse: reverse)
                    return (r.output, r.h, r.c)
                }
                for (k, (a, b)) in zip(layer, reference).enumerated() {
                    let scale = b.map { abs($0) }.max() ?? 1
                    let worst = a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
                    #expect(worst <= 1e-5 * Swift.max(scale, 1), "reverse \(reverse) level \(level) tensor \(k): max diff \(worst) of \(scale)")
                }
            }
        }
    }

    @Test func nanPropagatesAsOnTheAutogradPath() throws {
        let m = try RecurrentLayer(mode: .lstm, 4, 32)
        var values = Tensor.randn([3, 2, 4], generator: Generator(seed: 5)).scalars
        values[4 * 2 + 1] = .nan  // step 1, batch row 0
        let x = try Tensor(values, shape: [3, 2, 4])
        let graph = try Self.values(m.forward([.tensor(x)])).joined().map(\.isNaN)
        let fused = try Tensor.noGrad { try Self.values(m.forward([.tensor(x)])) }.joined().map(\.isNaN)
        #expect(graph == fused && graph.contains(true) && graph.contains(false))
    }

    @Test func unbatchedInputAndMismatchedWeightsTakeTheFusedPathSafely() throws {
        let m = try RecurrentLayer(mode: .lstm, 4, 3)
        let x = Tensor.randn([5, 4], generator: Generator(seed: 4))
        let graph = try Self.values(m.forward([.tensor(x)]))
        let fused = try Tensor.noGrad { try Self.values(m.forward([.tensor(x)])) }
        #expect(zip(graph.joined(), fused.joined()).allSatisfy { abs($0 - $1) < 1e-5 })
        // A hidden weight of the wrong shape is refused, not read out of bounds.
        let bad = try RecurrentLayer(mode: .lstm, 4, 3)
        bad.registerParameter("weight_hh_l0", Tensor.zeros([12, 2]))
        #expect(throws: (any Error).self) { try Tensor.noGrad { try bad.forward([.tensor(x)]) } }
    }

    /// The kernel's tensor entry checks every shape itself, whoever calls it.
    @Test func theKernelRefusesStatesAndWeightsThatDoNotFit() throws {
        let x = Tensor.zeros([5, 2, 4]), wih = Tensor.zeros([12, 4]), whh = Tensor.zeros([12, 3])
        let r = try RecurrentKernel.run(.lstm, input: x, weightIH: wih, weightHH: whh, biasIH: nil, biasHH: nil,
                                        h0: nil, c0: Tensor.ones([2, 3]), reverse: false)
        #expect(r.output.shape == [5, 2, 3] && r.h.shape == [2, 3] && r.c?.shape == [2, 3])
        let misfits: [(Tensor, Tensor, Tensor?, Tensor?, RecurrentKernel.Cell)] = [
            (Tensor.zeros([12, 5]), whh, nil, nil, .lstm),     // input size
            (wih, whh, Tensor.zeros([2, 4]), nil, .lstm),      // h0 of another hidden size
            (wih, whh, nil, Tensor.zeros([2, 3]), .gru),       // a cell state for GRU, whose gates are 3 anyway
        ]
        for (w, u, h0, c0, cell) in misfits {
            #expect(throws: TensorError.self) {
                try RecurrentKernel.run(cell, input: x, weightIH: w, weightHH: u, biasIH: nil, biasHH: nil, h0: h0, c0: c0,
                                        reverse: false)
            }
        }
    }
}
