/// N-d convolution (PyTorch's `conv1d`/`conv2d`/`conv3d` and, through `ConvGeometry.transposed`, the
/// transposed convolutions) as im2col + GEMM, with its backward pass. Buffers are contiguous NC… row-major.
enum ConvKernel {
    /// `output[n, o] = bias[o] + Σ weight[o, c, k] · input[n, g·Cg + c, tap]` for `output` of
    /// `geometry.outputCount` elements.
    static func forward<T: KernelScalar>(_ g: ConvGeometry, input: UnsafePointer<T>,
                                         weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                         output: UnsafeMutablePointer<T>) {
        let layout = g.columns
        let cg = g.inChannels / g.groups, og = g.outChannels / g.groups
        let rows = layout.rows, cols = layout.columns, inPlane = g.inputPlane
        guard cols > 0, g.batch > 0 else { return }
        // Small per-sample GEMMs run on one thread inside OpenBLAS (below m·n·k = 2^18, its
        // SMP_THRESHOLD_MIN × GEMM_MULTITHREAD_THRESHOLD), so samples are split across cores instead;
        // larger ones are left to OpenBLAS's threads, which would be oversubscribed otherwise.
        let perSample = og * cols * rows * g.groups
        let bySample = og * cols * rows < 1 << 18 && g.batch * perSample >= 1 << 18
        kernelParallelRanges(g.batch, parallel: bySample) { samples in
            let col = UnsafeMutablePointer<T>.allocate(capacity: g.isPointwise ? 0 : rows * cols)
            defer { col.deallocate() }
            for n in samples {
                let out = output + n * g.outChannels * cols
                if let bias {
                    for o in 0..<g.outChannels { (out + o * cols).update(repeating: bias[o], count: cols) }
                }
                for grp in 0..<g.groups {
                    let image = input + (n * g.inChannels + grp * cg) * inPlane
                    let b: UnsafePointer<T>
                    if g.isPointwise {
                        b = image
                    } else {
                        layout.im2col(image, col)
                        b = UnsafePointer(col)
                    }
                    T.gemm(transA: false, transB: false, m: og, n: cols, k: rows, alpha: 1,
                           a: weight + grp * og * rows, lda: rows, b: b, ldb: cols,
                           beta: bias == nil ? 0 : 1, c: out + grp * og * cols, ldc: cols)
                }
            }
        }
    }

    /// Gradients of `forward` given `gradOutput`: each non-nil destination is overwritten with the
    /// gradient for input (`inputCount`), weight (`weightCount`) or bias (`outChannels`).
    static func backward<T: KernelScalar>(_ g: ConvGeometry, input: UnsafePointer<T>?,
                                          weight: UnsafePointer<T>?, gradOutput: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>?,
                                          gradWeight: UnsafeMutablePointer<T>?,
                                          gradBias: UnsafeMutablePointer<T>?) {
        let layout = g.columns
        let cg = g.inChannels / g.groups, og = g.outChannels / g.groups
        let rows = layout.rows, cols = layout.columns, inPlane = g.inputPlane
        if let gradBias { biasGradient(batch: g.batch, channels: g.outChannels, plane: g.outputPlane, gradOutput: gradOutput, gradBias: gradBias) }
        gradInput?.update(repeating: 0, count: g.inputCount)
        gradWeight?.update(repeating: 0, count: g.weightCount)
        guard cols > 0, g.batch > 0 else { return }
        let wantInput = gradInput != nil && weight != nil
        let wantWeight = gradWeight != nil && input != nil
        guard wantInput || wantWeight else { return }
        let col = UnsafeMutablePointer<T>.allocate(capacity: g.isPointwise ? 0 : rows * cols)
        defer { col.deallocate() }
        for n in 0..<g.batch {
            for grp in 0..<g.groups {
                let gout = gradOutput + (n * g.outChannels + grp * og) * cols
                let offset = (n * g.inChannels + grp * cg) * inPlane
                if wantWeight, let input, let gradWeight {
                    let b: UnsafePointer<T>
                    if g.isPointwise {
                        b = input + offset
                    } else {
                        layout.im2col(input + offset, col)
                        b = UnsafePointer(col)
                    }
                    // dW_g[og, rows] += gout[og, cols] · colᵀ[cols, rows]
                    T.gemm(transA: false, transB: true, m: og, n: rows, k: cols, alpha: 1,
                           a: gout, lda: cols, b: b, ldb: cols, beta: 1,
                           c: gradWeight + grp * og * rows, ldc: rows)
                }
                if wantInput, let weight, let gradInput {
                    // dcol[rows, cols] = W_gᵀ[rows, og] · gout[og, cols], then scattered back.
                    let dst = g.isPointwise ? gradInput + offset : col
                    T.gemm(transA: true, transB: false, m: rows, n: cols, k: og, alpha: 1,
                           a: weight + grp * og * rows, lda: rows, b: gout, ldb: cols, beta: 0,
                           c: dst, ldc: cols)
                    if !g.isPointwise { layout.col2im(UnsafePointer(col), gradInput + offset) }
                }
            }
        }
    }

    /// `gradBias[c] = Σ_{n, position} gradOutput[n, c, position]` over `batch × channels` planes of `plane` values
    /// (a convolution's bias gradient, and a transposed one's).
    static func biasGradient<T: KernelScalar>(batch: Int, channels: Int, plane: Int, gradOutput: UnsafePointer<T>,
                                              gradBias: UnsafeMutablePointer<T>) {
        for c in 0..<channels {
            var acc = 0.0
            for n in 0..<batch {
                let p = gradOutput + (n * channels + c) * plane
                var s: T = 0
                for i in 0..<plane { s += p[i] }
                acc += Double(s)
            }
            gradBias[c] = T(acc)
        }
    }
}
