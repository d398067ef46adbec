/// The gate arithmetic of one LSTM or GRU step as single graph nodes (PyTorch's fused cells,
/// `_thnn_fused_lstm_cell` / `_thnn_fused_gru_cell`), for the recurrent layers' training path: one pass
/// forward with the activations kept, one pass backward, instead of a dozen element-wise nodes per step (chunk,
/// three sigmoids, two tanh, products and sums, each with its own buffers). Gate order is PyTorch's (LSTM i, f,
/// g, o; GRU r, z, n); the activations are `VectorMath`'s, as in the inference kernel.
extension Tensor {
    /// `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')` from pre-activation `gates` `[N, 4H]` and the cell state
    /// `c` `[N, H]`. Two nodes: `c'` (gradients to `gates`' i, f, g blocks and to `c`) and `h'` (to `gates`' o
    /// block and to `c'`), so each output carries its own gradient back.
    public static func lstmCell(gates: Tensor, c: Tensor) throws -> (h: Tensor, c: Tensor) {
        let n = c.shape.first ?? 0, h = c.shape.last ?? 0
        guard c.rank == 2, gates.shape == [n, 4 * h] else {
            throw TensorError.shapeMismatch("lstm cell: gates \(gates.shape) and cell state \(c.shape) do not fit")
        }
        let x = gates.buffer.pointer, cp = c.buffer.pointer
        let activated = TensorBuffer(uninitializedCount: n * 4 * h)  // σ(i), σ(f), tanh(g), σ(o)
        let cellOut = TensorBuffer(uninitializedCount: n * h), tanhC = TensorBuffer(uninitializedCount: n * h)
        let hOut = TensorBuffer(uninitializedCount: n * h)
        let a = activated.pointer, c2 = cellOut.pointer, tc = tanhC.pointer, y = hOut.pointer
        withExtendedLifetime((gates, c)) {
            for b in 0 ..< n {
                let xb = x + b * 4 * h, ab = a + b * 4 * h
                for j in 0 ..< h {
                    let i = VectorMath.sigmoid(xb[j]), f = VectorMath.sigmoid(xb[h + j])
                    let g = VectorMath.tanh(xb[2 * h + j]), o = VectorMath.sigmoid(xb[3 * h + j])
                    let cj = f * cp[b * h + j] + i * g, t = VectorMath.tanh(cj)
                    ab[j] = i; ab[h + j] = f; ab[2 * h + j] = g; ab[3 * h + j] = o
                    c2[b * h + j] = cj; tc[b * h + j] = t; y[b * h + j] = o * t
                }
            }
        }
        let cNext = makeResult(buffer: cellOut, shape: [n, h], inputs: [gates, c], name: .thnnFusedLstmCellBackward0) { grad in
            let dGates = TensorBuffer(uninitializedCount: n * 4 * h), dC = TensorBuffer(uninitializedCount: n * h)
            let d = grad.contiguous().buffer.pointer, dg = dGates.pointer, dc = dC.pointer
            withExtendedLifetime((grad, c, activated)) {
                for b in 0 ..< n {
                    let ab = a + b * 4 * h, gb = dg + b * 4 * h
                    for j in 0 ..< h {
                        let dcj = d[b * h + j], i = ab[j], f = ab[h + j], g = ab[2 * h + j]
                        gb[j] = dcj * g * i * (1 - i)
                        gb[h + j] = dcj * cp[b * h + j] * f * (1 - f)
                        gb[2 * h + j] = dcj * i * (1 - g * g)
                        gb[3 * h + j] = 0
                        dc[b * h + j] = dcj * f
                    }
                }
            }
            return [Tensor(buffer: dGates, shape: [n, 4 * h]), Tensor(buffer: dC, shape: [n, h])]
        }
        let hNext = makeResult(buffer: hOut, shape: [n, h], inputs: [gates, cNext], name: .thnnFusedLstmCellBackward0) { grad in
            let dGates = TensorBuffer(repeating: 0, count: n * 4 * h), dC = TensorBuffer(uninitializedCount: n * h)
            let d = grad.contiguous().buffer.pointer, dg = dGates.pointer, dc = dC.pointer
            withExtendedLifetime((grad, activated, tanhC)) {
                for b in 0 ..< n {
                    let ab = a + b * 4 * h, gb = dg + b * 4 * h
                    for j in 0 ..< h {
                        let dhj = d[b * h + j], o = ab[3 * h + j], t = tc[b * h + j]
                        gb[3 * h + j] = dhj * t * o * (1 - o)
                        dc[b * h + j] = dhj * o * (1 - t * t)
                    }
                }
            }
            return [Tensor(buffer: dGates, shape: [n, 4 * h]), Tensor(buffer: dC, shape: [n, h])]
        }
        return (hNext, cNext)
    }

    /// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`, `h' = (1 - z)·n + z·h` from the input
    /// projection `inputGates` `[N, 3H]` (with `b_ih`), the hidden projection `hiddenGates` `[N, 3H]` (with `b_hh`)
    /// and the hidden state `h` `[N, H]`: one node with gradients to all three.
    public static func gruCell(inputGates: Tensor, hiddenGates: Tensor, h: Tensor) throws -> Tensor {
        let n = h.shape.first ?? 0, hs = h.shape.last ?? 0
        guard h.rank == 2, inputGates.shape == [n, 3 * hs], hiddenGates.shape == [n, 3 * hs] else {
            throw TensorError.shapeMismatch("gru cell: gates \(inputGates.shape), \(hiddenGates.shape) and state \(h.shape) do not fit")
        }
        let x = inputGates.buffer.pointer, hg = hiddenGates.buffer.pointer, hp = h.buffer.pointer
        let saved = TensorBuffer(uninitializedCount: n * 3 * hs)  // r, z, n
        let out = TensorBuffer(uninitializedCount: n * hs)
        let s = saved.pointer, y = out.pointer
        withExtendedLifetime((inputGates, hiddenGates, h)) {
            for b in 0 ..< n {
                let xb = x + b * 3 * hs, gb = hg + b * 3 * hs, sb = s + b * 3 * hs
                for j in 0 ..< hs {
                    let r = VectorMath.sigmoid(xb[j] + gb[j]), z = VectorMath.sigmoid(xb[hs + j] + gb[hs + j])
                    let nn = VectorMath.tanh(xb[2 * hs + j] + r * gb[2 * hs + j])
                    sb[j] = r; sb[hs + j] = z; sb[2 * hs + j] = nn
                    y[b * hs + j] = (1 - z) * nn + z * hp[b * hs + j]
                }
            }
        }
        return makeResult(buffer: out, shape: [n, hs], inputs: [inputGates, hiddenGates, h], name: .thnnFusedGruCellBackward0) { grad in
            let dX = TensorBuffer(uninitializedCount: n * 3 * hs), dHG = TensorBuffer(uninitializedCount: n * 3 * hs)
            let dH = TensorBuffer(uninitializedCount: n * hs)
            let d = grad.contiguous().buffer.pointer, dx = dX.pointer, dhg = dHG.pointer, dh = dH.pointer
            withExtendedLifetime((grad, saved, hiddenGates, h)) {
                for b in 0 ..< n {
                    let sb = s + b * 3 * hs, gb = hg + b * 3 * hs, xb = dx + b * 3 * hs, hb = dhg + b * 3 * hs
                    for j in 0 ..< hs {
                        let dy = d[b * hs + j], r = sb[j], z = sb[hs + j], nn = sb[2 * hs + j]
                        let dn = dy * (1 - z) * (1 - nn * nn)
                        let dz = dy * (hp[b * hs + j] - nn) * z * (1 - z)
                        let dr = dn * gb[2 * hs + j] * r * (1 - r)
                        xb[j] = dr; xb[hs + j] = dz; xb[2 * hs + j] = dn
                        hb[j] = dr; hb[hs + j] = dz; hb[2 * hs + j] = dn * r
                        dh[b * hs + j] = dy * z
                    }
                }
            }
            return [Tensor(buffer: dX, shape: [n, 3 * hs]), Tensor(buffer: dHG, shape: [n, 3 * hs]), Tensor(buffer: dH, shape: [n, hs])]
        }
    }
}
