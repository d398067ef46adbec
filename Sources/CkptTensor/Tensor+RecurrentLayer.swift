/// One LSTM layer and direction over a whole sequence as one graph node, as PyTorch's CPU LSTM records it
/// (`mkldnn_rnn_layer`: `MkldnnRnnLayerBackward0`, outputs `output`, `h_n`, `c_n`; next functions input, `w_ih`,
/// `w_hh`, `b_ih`, `b_hh`, `h_0`, `c_0`). The forward is the inference kernel (`RecurrentKernel`) keeping every
/// step's activated gates and cell state; the backward walks the steps back once, with one small product per step
/// for the hidden state's gradient, and then takes the weights' gradients over all steps in one product each,
/// where a graph of per-step nodes would run a thin product per step and weight and add the results up.
extension Tensor {
    /// `output` `[L, N, H]`, `h_n` and `c_n` `[N, H]` of an LSTM over `input` `[L, N, H_in]` (backwards in time when
    /// `reverse`) from `h0`/`c0` `[N, H]` (zeros when nil), weights `[4H, H_in]`, `[4H, H]` and biases `[4H]` in
    /// PyTorch's gate order i, f, g, o. Records one `MkldnnRnnLayerBackward0` node with the three outputs when grad
    /// mode is on and an input requires grad.
    public static func lstmLayer(input: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
                                 h0: Tensor?, c0: Tensor?, reverse: Bool) throws -> (output: Tensor, h: Tensor, c: Tensor) {
        let s = try RecurrentKernel.shape(.lstm, input: input, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH,
                                          biasHH: biasHH, h0: h0, c0: c0)
        let state = s.batch * s.hidden, g = 4 * s.hidden
        let inputs = [input, weightIH, weightHH, biasIH, biasHH, h0, c0]
        let recording = isGradEnabled && inputs.contains { $0?.requiresGrad == true }
        let output = TensorBuffer(uninitializedCount: s.steps * state)
        let hN = TensorBuffer(uninitializedCount: state), cN = TensorBuffer(uninitializedCount: state)
        let gates = TensorBuffer(uninitializedCount: recording ? s.steps * s.batch * g : 0)
        let cells = TensorBuffer(uninitializedCount: recording ? s.steps * state : 0)
        withExtendedLifetime(inputs) {
            RecurrentKernel.run(.lstm, s, input: input.buffer.pointer,
                                weights: .init(wIH: weightIH.buffer.pointer, wHH: weightHH.buffer.pointer,
                                               bIH: biasIH?.buffer.pointer, bHH: biasHH?.buffer.pointer),
                                reverse: reverse, h0: h0?.buffer.pointer, c0: c0?.buffer.pointer, output: output.pointer,
                                hN: hN.pointer, cN: cN.pointer,
                                kept: recording ? .init(gates: gates.pointer, cells: cells.pointer) : nil)
        }
        let results = [Tensor(buffer: output, shape: [s.steps, s.batch, s.hidden]), Tensor(buffer: hN, shape: [s.batch, s.hidden]),
                       Tensor(buffer: cN, shape: [s.batch, s.hidden])]
        if recording {
            let saved = LSTMLayerBackward(shape: s, reverse: reverse, input: input, weightIH: weightIH, weightHH: weightHH,
                                          biasIH: biasIH, biasHH: biasHH, h0: h0, c0: c0, gates: gates, cells: cells, output: output)
            let node = MultiOutputGradFn(name: .mkldnnRnnLayerBackward0, nextFunctions: inputs.map { $0?.gradEdge ?? (nil, 0) },
                                         outputCount: results.count) { grads in saved.gradients(grads) }
            for (i, t) in results.enumerated() {
                t.requiresGrad = true
                t.gradFn = node
                t.outputNr = i
            }
        }
        return (results[0], results[1], results[2])
    }
}

/// What `lstmLayer`'s backward reads: the inputs, and the forward's activated gates σ(i), σ(f), tanh(g), σ(o)
/// `[L, N, 4H]`, cell states `[L, N, H]` and hidden states (the output).
struct LSTMLayerBackward {
    let shape: RecurrentKernel.Shape, reverse: Bool
    let input: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?, h0: Tensor?, c0: Tensor?
    let gates: TensorBuffer, cells: TensorBuffer, output: TensorBuffer

    /// From the gradients of `output`, `h_n`, `c_n` (nil where none arrived) to those of input, `w_ih`, `w_hh`,
    /// `b_ih`, `b_hh`, `h_0`, `c_0` (nil where not required).
    func gradients(_ grads: [Tensor?]) -> [Tensor?] {
        let (steps, n, h, k) = (shape.steps, shape.batch, shape.hidden, shape.inputSize)
        let g = 4 * h, state = n * h, rows = steps * n
        let dGates = TensorBuffer(uninitializedCount: rows * g)
        let dh = TensorBuffer(uninitializedCount: state), dc = TensorBuffer(uninitializedCount: state)
        let tanhC = TensorBuffer(uninitializedCount: state)
        let zeros = TensorBuffer(repeating: 0, count: c0 == nil ? state : 0)  // the cell state before the first step
        let a = gates.pointer, cs = cells.pointer, y = output.pointer, dG = dGates.pointer
        let dy = grads.first??.buffer.pointer
        if let t = grads.count > 1 ? grads[1] : nil { dh.pointer.update(from: t.buffer.pointer, count: state) } else { dh.pointer.update(repeating: 0, count: state) }
        if let t = grads.count > 2 ? grads[2] : nil { dc.pointer.update(from: t.buffer.pointer, count: state) } else { dc.pointer.update(repeating: 0, count: state) }
        withExtendedLifetime((grads, self, zeros)) {
            // Steps in the reverse of the order the forward took them; `previous` is the step before in that order.
            for i in 0 ..< steps {
                let t = reverse ? i : steps - 1 - i, previous = reverse ? t + 1 : t - 1
                let cPrev = (0 ..< steps).contains(previous) ? cs + previous * state : (c0?.buffer ?? zeros).pointer
                let dhp = dh.pointer, dcp = dc.pointer, tc = tanhC.pointer
                if let dy { for j in 0 ..< state { dhp[j] += dy[t * state + j] } }
                tc.update(from: cs + t * state, count: state)
                VectorMath.tanh(tc, count: state)
                for b in 0 ..< n {
                    let ab = a + (t * n + b) * g, gb = dG + (t * n + b) * g, row = b * h
                    for j in 0 ..< h {
                        let gi = ab[j], gf = ab[h + j], gg = ab[2 * h + j], go = ab[3 * h + j]
                        let tcj = tc[row + j], dhj = dhp[row + j]
                        let dcj = dcp[row + j] + dhj * go * (1 - tcj * tcj)
                        gb[j] = dcj * gg * gi * (1 - gi)
                        gb[h + j] = dcj * cPrev[row + j] * gf * (1 - gf)
                        gb[2 * h + j] = dcj * gi * (1 - gg * gg)
                        gb[3 * h + j] = dhj * tcj * go * (1 - go)
                        dcp[row + j] = dcj * gf
                    }
                }
                // dh_previous = dGates_t · W_hh.
                Float.gemm(transA: false, transB: false, m: n, n: h, k: g, alpha: 1, a: dG + t * n * g, lda: g,
                           b: weightHH.buffer.pointer, ldb: h, beta: 0, c: dhp, ldc: h)
            }
        }
        var result = [Tensor?](repeating: nil, count: 7)
        withExtendedLifetime((self, dGates)) {
            if input.requiresGrad {
                // dX = dGates · W_ih.
                result[0] = Self.product(rows: rows, cols: k, depth: g, dG, transA: false, weightIH.buffer.pointer, transB: false, shape: [steps, n, k])
            }
            if weightIH.requiresGrad {
                // dW_ih = dGatesᵀ · X over every step.
                result[1] = Self.product(rows: g, cols: k, depth: rows, dG, transA: true, input.buffer.pointer, transB: false, shape: [g, k])
            }
            if weightHH.requiresGrad {
                // dW_hh = Σ_t dGates_tᵀ · h_previous(t): the steps that follow another in one product, the first with h_0.
                let later = reverse ? dG : dG + n * g, earlier = reverse ? y + state : y
                let w = Self.product(rows: g, cols: h, depth: Swift.max(rows - n, 0), later, transA: true, earlier, transB: false, shape: [g, h])
                if let h0, steps > 0 {
                    let first = reverse ? dG + (steps - 1) * n * g : dG
                    Float.gemm(transA: true, transB: false, m: g, n: h, k: n, alpha: 1, a: first, lda: g, b: h0.buffer.pointer,
                               ldb: h, beta: 1, c: w.buffer.pointer, ldc: h)
                }
                result[2] = w
            }
            if biasIH?.requiresGrad == true || biasHH?.requiresGrad == true {
                // Both biases add onto the same gates: each gets the gates' gradient summed over steps and rows.
                let db = TensorBuffer(repeating: 0, count: g)
                let p = db.pointer
                for r in 0 ..< rows { for j in 0 ..< g { p[j] += dG[r * g + j] } }
                if biasIH?.requiresGrad == true { result[3] = Tensor(buffer: db, shape: [g]) }
                if biasHH?.requiresGrad == true { result[4] = Tensor(buffer: biasIH?.requiresGrad == true ? db.copy() : db, shape: [g]) }
            }
        }
        if h0?.requiresGrad == true { result[5] = Tensor(buffer: dh, shape: [n, h]) }
        if c0?.requiresGrad == true { result[6] = Tensor(buffer: dc, shape: [n, h]) }
        return result
    }

    /// `op(a) · op(b)` as a new `[rows, cols]` tensor viewed as `shape` (zeros when `depth` is 0).
    private static func product(rows: Int, cols: Int, depth: Int, _ a: UnsafePointer<Float>, transA: Bool,
                                _ b: UnsafePointer<Float>, transB: Bool, shape: [Int]) -> Tensor {
        let out = TensorBuffer(uninitializedCount: rows * cols)
        if depth == 0 || rows == 0 || cols == 0 {
            out.pointer.update(repeating: 0, count: rows * cols)
        } else {
            Float.gemm(transA: transA, transB: transB, m: rows, n: cols, k: depth, alpha: 1, a: a, lda: transA ? rows : depth,
                       b: b, ldb: transB ? depth : cols, beta: 0, c: out.pointer, ldc: cols)
        }
        return Tensor(buffer: out, shape: shape)
    }
}
