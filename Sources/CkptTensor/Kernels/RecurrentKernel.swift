/// One direction of one recurrent layer (RNN tanh/relu, LSTM, GRU) over a whole sequence, for inference: no
/// autograd graph, one GEMM for the input projection of every step, one GEMM per step for the hidden
/// projection, and the gate arithmetic fused into one pass per step. Gate order is PyTorch's (LSTM i, f, g, o;
/// GRU r, z, n); buffers are contiguous row-major Float32.
public enum RecurrentKernel {
    /// The instruction set of the hand-written kernels: 2 AVX-512, 1 AVX2 + FMA, 0 none (BLAS and Swift loops).
    /// The CPU's best by default (the environment variable `CKPT_KERNEL_ISA=avx2|none` lowers it); tests and
    /// benchmarks lower it to compare the paths. Set it only while no recurrent layer is running.
    public static var instructionLevel: Int {
        get { PackedHidden.instructionLevel }
        set { PackedHidden.instructionLevel = newValue }
    }

    /// The cell's update rule.
    public enum Cell: Sendable {
        case rnnTanh, rnnRelu, lstm, gru

        /// Gate blocks of `hidden` rows in the weights.
        public var gates: Int {
            switch self { case .lstm: return 4; case .gru: return 3; case .rnnTanh, .rnnRelu: return 1 }
        }
    }

    /// The shapes of one run.
    struct Shape: Sendable {
        let steps: Int, batch: Int, inputSize: Int, hidden: Int
        init(steps: Int, batch: Int, inputSize: Int, hidden: Int) {
            self.steps = steps; self.batch = batch; self.inputSize = inputSize; self.hidden = hidden
        }
    }

    /// The weights of one layer and direction: `wIH` `[G·H, inputSize]`, `wHH` `[G·H, H]`, biases `[G·H]`.
    struct Weights {
        let wIH: UnsafePointer<Float>, wHH: UnsafePointer<Float>
        let bIH: UnsafePointer<Float>?, bHH: UnsafePointer<Float>?
        init(wIH: UnsafePointer<Float>, wHH: UnsafePointer<Float>, bIH: UnsafePointer<Float>?, bHH: UnsafePointer<Float>?) {
            self.wIH = wIH; self.wHH = wHH; self.bIH = bIH; self.bHH = bHH
        }
    }

    /// What an LSTM forward for training keeps for its backward (`Tensor.lstmLayer`): every step's activated
    /// gates σ(i), σ(f), tanh(g), σ(o) `[steps, batch, 4H]` (the input projection's buffer, activated in place)
    /// and every step's cell state `[steps, batch, H]`.
    struct Kept {
        let gates: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>
    }

    /// Runs `cell` over `input` `[steps, batch, inputSize]` (backwards in time when `reverse`) from `h0`/`c0`
    /// `[batch, H]` (zeros when nil), writing every step's hidden state to `output` `[steps, batch, H]`, the
    /// last one to `hN` and, for LSTM, the last cell state to `cN` (and, with `kept`, what backward needs).
    static func run(_ cell: Cell, _ s: Shape, input: UnsafePointer<Float>, weights w: Weights, reverse: Bool,
                    h0: UnsafePointer<Float>?, c0: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                    hN: UnsafeMutablePointer<Float>, cN: UnsafeMutablePointer<Float>?, kept: Kept? = nil) {
        let h = s.hidden, g = cell.gates * h, rows = s.batch, state = rows * h
        guard s.steps > 0, rows > 0, h > 0 else {
            if let h0 { hN.update(from: h0, count: state) } else { hN.update(repeating: 0, count: state) }
            if let cN { if let c0 { cN.update(from: c0, count: state) } else { cN.update(repeating: 0, count: state) } }
            return
        }
        // Input projection of every step at once, with the biases that add straight onto it (both for RNN and
        // LSTM; GRU keeps b_hh apart because r multiplies the hidden projection of its n gate).
        let projection = TensorBuffer(uninitializedCount: kept == nil ? s.steps * rows * g : 0)  // pooled: one per layer and call
        let proj = kept?.gates ?? projection.pointer
        let fused = cell != .gru
        fillRows(proj, rows: s.steps * rows, width: g, w.bIH, fused ? w.bHH : nil)
        Float.gemm(transA: false, transB: true, m: s.steps * rows, n: g, k: s.inputSize, alpha: 1, a: input,
                   lda: s.inputSize, b: w.wIH, ldb: s.inputSize, beta: 1, c: proj, ldc: g)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * state + (fused ? 0 : rows * g))
        defer { scratch.deallocate() }
        let c = scratch, zeros = scratch + state, hProj = scratch + 2 * state
        if let c0 { c.update(from: c0, count: state) } else { c.update(repeating: 0, count: state) }
        zeros.update(repeating: 0, count: state)
        let initial = UnsafePointer(h0 ?? UnsafePointer(zeros))
        func step(_ i: Int) -> Step {
            let t = reverse ? s.steps - 1 - i : i
            let previous = i == 0 ? initial : UnsafePointer(output + (reverse ? t + 1 : t - 1) * state)
            return Step(cell: cell, rows: rows, hidden: h, gates: proj + t * rows * g, hProj: hProj, previous: previous,
                        c: c, out: output + t * state, keptCell: kept.map { $0.cells + t * state })
        }
        if let packed = PackedHidden(cell, s, wHH: w.wHH) {
            // Hidden projection onto the gates (RNN, LSTM) or into its own buffer (GRU), then each worker's units.
            packed.run(steps: s.steps) { worker, i in
                let step = step(i)
                if !fused { packed.fill(worker, hProj, bias: w.bHH) }
                packed.multiply(worker, step.previous, into: fused ? step.gates : hProj)
                if cell == .lstm { PackedHidden.lstmUpdate(step, packed.units[worker]) } else { step.update(packed.units[worker]) }
            }
        } else {
            for i in 0 ..< s.steps {
                let step = step(i)
                if !fused { fillRows(hProj, rows: rows, width: g, w.bHH, nil) }
                Float.gemm(transA: false, transB: true, m: rows, n: g, k: h, alpha: 1, a: step.previous, lda: h,
                           b: w.wHH, ldb: h, beta: 1, c: fused ? step.gates : hProj, ldc: g)
                step.update(0 ..< h)
            }
        }
        let previous = UnsafePointer(output + (reverse ? 0 : s.steps - 1) * state)
        hN.update(from: previous, count: state)
        cN?.update(from: c, count: state)
        withExtendedLifetime(projection) {}
    }

    /// The buffers of one time step, and the cell update for a range of hidden units over every batch row.
    struct Step {
        let cell: Cell, rows: Int, hidden: Int
        let gates: UnsafeMutablePointer<Float>, hProj: UnsafeMutablePointer<Float>
        let previous: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
        /// Where this step's cell state is kept for backward (training), or nil.
        let keptCell: UnsafeMutablePointer<Float>?

        func update(_ units: Range<Int>) {
            let h = hidden, g = cell.gates * h
            for b in 0 ..< rows {
                let x = gates + b * g, y = out + b * h
                switch cell {
                case .rnnTanh: for j in units { y[j] = VectorMath.tanh(x[j]) }
                case .rnnRelu: for j in units { y[j] = Swift.max(x[j], 0) }
                case .lstm: lstmRow(x, c + b * h, y, h, units)
                case .gru: gruRow(x, hProj + b * g, previous + b * h, y, h, units)
                }
            }
            keepCell(units)
        }

        /// Copies the cell state of `units` (every batch row) to `keptCell`.
        func keepCell(_ units: Range<Int>) {
            guard let keptCell else { return }
            for b in 0 ..< rows { (keptCell + b * hidden + units.lowerBound).update(from: c + b * hidden + units.lowerBound, count: units.count) }
        }
    }

    /// `c = f·c + i·g`, `h = o·tanh(c)` for hidden units `units` of one batch row of LSTM gates
    /// (pre-activation, i f g o blocks of `h`; activated in place).
    @inline(__always)
    static func lstmRow(_ x: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        _ y: UnsafeMutablePointer<Float>, _ h: Int, _ units: Range<Int>) {
        let lo = units.lowerBound, n = units.count
        VectorMath.sigmoid(x + lo, count: n)
        VectorMath.sigmoid(x + h + lo, count: n)
        VectorMath.tanh(x + 2 * h + lo, count: n)
        VectorMath.sigmoid(x + 3 * h + lo, count: n)
        let i = x, f = x + h, gg = x + 2 * h, o = x + 3 * h
        for j in units {
            let cj = f[j] * c[j] + i[j] * gg[j]
            c[j] = cj
            y[j] = cj
        }
        VectorMath.tanh(y + lo, count: n)
        for j in units { y[j] = o[j] * y[j] }
    }

    /// `r, z = σ(x_rz + h_rz)`, `n = tanh(x_n + r·h_n)`, `h' = (1 - z)·n + z·h` for hidden units `units` of
    /// one batch row of GRU.
    @inline(__always)
    static func gruRow(_ x: UnsafeMutablePointer<Float>, _ hx: UnsafeMutablePointer<Float>,
                       _ hp: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ h: Int, _ units: Range<Int>) {
        let lo = units.lowerBound, n = units.count
        for j in units { x[j] += hx[j]; x[h + j] += hx[h + j] }
        VectorMath.sigmoid(x + lo, count: n)
        VectorMath.sigmoid(x + h + lo, count: n)
        let r = x, z = x + h, nn = x + 2 * h, hn = hx + 2 * h
        for j in units { nn[j] += r[j] * hn[j] }
        VectorMath.tanh(nn + lo, count: n)
        for j in units { y[j] = (1 - z[j]) * nn[j] + z[j] * hp[j] }
    }

    /// Fills `rows × width` with the bias `a` (plus `b`), or zeros without one.
    static func fillRows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int, _ a: UnsafePointer<Float>?,
                         _ b: UnsafePointer<Float>?) {
        guard let a else {
            if let b { for r in 0 ..< rows { (p + r * width).update(from: b, count: width) } } else {
                p.update(repeating: 0, count: rows * width)
            }
            return
        }
        for j in 0 ..< width { p[j] = b.map { a[j] + $0[j] } ?? a[j] }
        for r in 1 ..< Swift.max(rows, 1) { (p + r * width).update(from: p, count: width) }
    }
}

extension RecurrentKernel {
    /// Runs `cell` over `input` `[steps, batch, inputSize]` (backwards in time when `reverse`) from `h0`/`c0`
    /// `[batch, H]` (zeros when nil; `c0` for LSTM only), with `weightIH` `[G·H, inputSize]`, `weightHH` `[G·H, H]`
    /// and biases `[G·H]`. Records no graph. Returns every step's hidden state `[steps, batch, H]`, the last one and,
    /// for LSTM, the last cell state. Throws when a shape does not fit: the kernel reads the buffers directly.
    public static func run(_ cell: Cell, input: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?,
                           biasHH: Tensor?, h0: Tensor?, c0: Tensor?,
                           reverse: Bool) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        let s = try shape(cell, input: input, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH, h0: h0, c0: c0)
        let (steps, batch, hidden) = (s.steps, s.batch, s.hidden)
        let state = [batch, hidden]
        let output = TensorBuffer(uninitializedCount: steps * batch * hidden)
        let h = TensorBuffer(uninitializedCount: batch * hidden)
        let c = cell == .lstm ? TensorBuffer(uninitializedCount: batch * hidden) : nil
        withExtendedLifetime((input, weightIH, weightHH, biasIH, biasHH, h0, c0)) {
            run(cell, s, input: input.buffer.pointer,
                weights: Weights(wIH: weightIH.buffer.pointer, wHH: weightHH.buffer.pointer, bIH: biasIH?.buffer.pointer,
                                 bHH: biasHH?.buffer.pointer),
                reverse: reverse, h0: h0?.buffer.pointer, c0: c0?.buffer.pointer, output: output.pointer, hN: h.pointer,
                cN: c?.pointer)
        }
        return (Tensor(buffer: output, shape: [steps, batch, hidden]), Tensor(buffer: h, shape: state),
                c.map { Tensor(buffer: $0, shape: state) })
    }

    /// The shapes of a run of `cell` over `input` with these weights and states; throws when one does not fit (the
    /// kernel reads the buffers directly).
    static func shape(_ cell: Cell, input: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
                      h0: Tensor?, c0: Tensor?) throws -> Shape {
        guard input.rank == 3, weightHH.rank == 2 else {
            throw TensorError.shapeMismatch("recurrent kernel: input \(input.shape) and weight_hh \(weightHH.shape) must be 3-D and 2-D")
        }
        let (steps, batch, inputSize, hidden) = (input.shape[0], input.shape[1], input.shape[2], weightHH.shape[1])
        let g = cell.gates * hidden, state = [batch, hidden]
        guard weightIH.shape == [g, inputSize], weightHH.shape == [g, hidden], biasIH.map({ $0.shape == [g] }) ?? true,
              biasHH.map({ $0.shape == [g] }) ?? true, h0.map({ $0.shape == state }) ?? true,
              c0.map({ cell == .lstm && $0.shape == state }) ?? true else {
            throw TensorError.shapeMismatch("recurrent kernel: weights \(weightIH.shape), \(weightHH.shape) and states do not fit input \(input.shape)")
        }
        return Shape(steps: steps, batch: batch, inputSize: inputSize, hidden: hidden)
    }
}
