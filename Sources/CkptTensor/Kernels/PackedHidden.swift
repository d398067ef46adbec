import CKernels

/// The hidden-to-hidden weight of a recurrent layer packed once per sequence for `ckpt_gemm_packed` (AVX-512 or
/// AVX2 + FMA, chosen by the CPU), and the team of threads that runs the sequence's steps.
///
/// Each step multiplies a few batch rows by the same `[G·H, H]` weight. OpenBLAS repacks that whole weight on
/// every call, which cost about as much as the arithmetic; packed once, each step only streams it. Worker `w`
/// owns a contiguous range of hidden units and computes their columns in every gate block, then updates those
/// units' states. The threads stay up for the whole sequence (`ckpt_team_run`) and hand over between steps by
/// spinning briefly, which costs far less than a fork and join per step (a step is tens of microseconds); a
/// worker's share is claimed by whichever thread is free, so a thread without a core does not stall the rest.
final class PackedHidden {
    /// The instruction set of the packed kernels (the recurrent layers' per-step product and LSTM update):
    /// 2 AVX-512, 1 AVX2 + FMA, 0 none (BLAS and Swift loops). Defaults to the CPU's best (or `CKPT_KERNEL_ISA`,
    /// `avx2` or `none`); set lower to compare the paths. Set it only while no recurrent layer is running.
    static var instructionLevel: Int {
        get { Int(ckpt_kernel_isa()) }
        set { _ = ckpt_set_kernel_isa(Int32(newValue)) }
    }

    let hidden: Int, rows: Int, gates: Int
    private let packed: TensorBuffer
    /// Per worker: the panels (16 gate columns each) it computes, and the hidden units it updates.
    private let panels: [[Int]]
    let units: [Range<Int>]

    /// Nil when the packed kernel cannot serve: not x86-64 with AVX2 and FMA, a hidden size that is not a
    /// multiple of 16, or a batch large enough for BLAS's blocking to win.
    init?(_ cell: RecurrentKernel.Cell, _ s: RecurrentKernel.Shape, wHH: UnsafePointer<Float>) {
        #if arch(x86_64)
        let width = Int(CKPT_PANEL)
        guard ckpt_packed_available() != 0, s.hidden % width == 0, s.batch <= 64, s.steps > 1 else { return nil }
        hidden = s.hidden; rows = s.batch; gates = cell.gates
        let unitPanels = hidden / width, g = gates * hidden
        packed = TensorBuffer(uninitializedCount: g * hidden)
        ckpt_pack_panels(wHH, hidden, hidden, gates * unitPanels, packed.pointer)
        let workers = rows * g * hidden >= 1 << 17 ? Swift.min(kernelWorkerCount, unitPanels) : 1
        var panels: [[Int]] = [], units: [Range<Int>] = []
        for w in 0 ..< workers {
            let own = unitPanels * w / workers ..< unitPanels * (w + 1) / workers
            panels.append((0 ..< gates).flatMap { gate in own.map { gate * unitPanels + $0 } })
            units.append(own.lowerBound * width ..< own.upperBound * width)
        }
        self.panels = panels
        self.units = units
        #else
        return nil
        #endif
    }

    /// The LSTM cell update of `units` (multiples of 16, as the workers' ranges are) for every batch row
    /// (`ckpt_lstm_update`, AVX-512 or AVX2).
    static func lstmUpdate(_ step: RecurrentKernel.Step, _ units: Range<Int>) {
        #if arch(x86_64)
        let h = step.hidden, g = 4 * h
        for b in 0 ..< step.rows {
            ckpt_lstm_update(step.gates + b * g, h, units.lowerBound, units.upperBound, step.c + b * h, step.out + b * h,
                             step.keptCell == nil ? 0 : 1)
        }
        step.keepCell(units)
        #endif
    }

    /// `target[rows, G·H] += previous[rows, H] · W_hhᵀ` in worker `w`'s panels.
    func multiply(_ w: Int, _ previous: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        #if arch(x86_64)
        panels[w].withUnsafeBufferPointer { ids in
            ckpt_gemm_packed(rows, hidden, previous, hidden, packed.pointer, ids.baseAddress, ids.count, target, gates * hidden)
        }
        #endif
    }

    /// Sets worker `w`'s panels of `target[rows, G·H]` to `bias` (zeros without one): GRU's separate hidden projection.
    func fill(_ w: Int, _ target: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?) {
        let width = Int(CKPT_PANEL), g = gates * hidden
        for q in panels[w] {
            for r in 0 ..< rows {
                let row = target + r * g + q * width
                if let bias { row.update(from: bias + q * width, count: width) } else { row.update(repeating: 0, count: width) }
            }
        }
    }

    /// Runs `body(worker, step)` for every worker's share of every step on a team of threads, every share of a
    /// step done before the next step starts.
    func run(steps: Int, _ body: (Int, Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let work = TeamWork(body)
            withExtendedLifetime(work) {
                ckpt_team_run(units.count, steps, { context, worker, step in
                    guard let context else { return }
                    Unmanaged<TeamWork>.fromOpaque(context).takeUnretainedValue().body(worker, step)
                }, Unmanaged.passUnretained(work).toOpaque())
            }
        }
    }
}

/// The closure a team runs, boxed to travel through C as a context pointer.
private final class TeamWork {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
}
