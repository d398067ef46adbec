import CKernels
import Dispatch

/// The hidden-to-hidden weight of a recurrent layer packed once per sequence for `ckpt_gemm_packed` (AVX2 +
/// FMA), with the per-step product and cell update split by hidden units across the cores.
///
/// Each step multiplies a few batch rows by the same `[G·H, H]` weight. OpenBLAS repacks that whole weight on
/// every call, which cost about as much as the arithmetic; packed once, each step only streams it. Worker `w`
/// owns a contiguous range of hidden units and computes their columns in every gate block, then updates those
/// units' states, so a step needs one fork and join.
final class PackedHidden {
    let hidden: Int, rows: Int, gates: Int
    private let packed: TensorBuffer
    /// Per worker: the panels (16 gate columns each) it computes, and the hidden units it updates.
    private let panels: [[Int]], units: [Range<Int>]

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

    /// The LSTM cell update of `units` (multiples of 16, as the workers' ranges are) for every batch row, in
    /// AVX2 (`ckpt_lstm_update`).
    static func lstmUpdate(_ step: RecurrentKernel.Step, _ units: Range<Int>) {
        #if arch(x86_64)
        let h = step.hidden, g = 4 * h
        for b in 0 ..< step.rows {
            ckpt_lstm_update(step.gates + b * g, h, units.lowerBound, units.upperBound, step.c + b * h, step.out + b * h)
        }
        #endif
    }

    /// `target[rows, G·H] += previous[rows, H] · W_hhᵀ`, then `update` for each worker's hidden units.
    func run(_ previous: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
             update: (Range<Int>) -> Void) {
        #if arch(x86_64)
        let g = gates * hidden
        func work(_ w: Int) {
            panels[w].withUnsafeBufferPointer { ids in
                ckpt_gemm_packed(rows, hidden, previous, hidden, packed.pointer, ids.baseAddress, ids.count, target, g)
            }
            update(units[w])
        }
        if panels.count == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: panels.count, execute: work) }
        #endif
    }
}
