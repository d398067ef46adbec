/// Normalisation of contiguous rows, each `channels × spatial` elements, with an optional per-channel
/// affine: the shared core of layer norm (a row is the normalised shape, every element its own
/// "channel") and group norm (a row is one group of one sample). Statistics accumulate in Double.
struct RowNormShape {
    let rows: Int
    let channelsPerRow: Int
    let spatial: Int
    /// Affine channels in all (`channelsPerRow` for layer norm, `C` for group norm).
    let channels: Int

    var rowSize: Int { channelsPerRow * spatial }
    /// First affine channel of row `r`.
    @inline(__always) func firstChannel(_ r: Int) -> Int { (r * channelsPerRow) % channels }

    func forward<T: KernelScalar>(input: UnsafePointer<T>, weight: UnsafePointer<T>?, bias: UnsafePointer<T>?,
                                  eps: Double, output: UnsafeMutablePointer<T>,
                                  mean: UnsafeMutablePointer<T>, rstd: UnsafeMutablePointer<T>) {
        let size = rowSize
        kernelParallelFor(rows, costPerItem: size * 3) { r in
            let x = input + r * size, y = output + r * size
            var sum = 0.0
            for i in 0..<size { sum += Double(x[i]) }
            let mu = sum / Double(size)
            var sq = 0.0
            for i in 0..<size { let d = Double(x[i]) - mu; sq += d * d }
            let inv = 1 / (sq / Double(size) + eps).squareRoot()
            mean[r] = T(mu); rstd[r] = T(inv)
            let c0 = firstChannel(r)
            for c in 0..<channelsPerRow {
                let w = weight.map { Double($0[c0 + c]) } ?? 1, b = bias.map { Double($0[c0 + c]) } ?? 0
                let a = T(w * inv), shift = T(b - mu * w * inv)
                let p = c * spatial
                for i in 0..<spatial { y[p + i] = x[p + i] * a + shift }
            }
        }
    }

    func backward<T: KernelScalar>(input: UnsafePointer<T>, gradOutput: UnsafePointer<T>,
                                   weight: UnsafePointer<T>?, mean: UnsafePointer<T>, rstd: UnsafePointer<T>,
                                   gradInput: UnsafeMutablePointer<T>?, gradWeight: UnsafeMutablePointer<T>?,
                                   gradBias: UnsafeMutablePointer<T>?) {
        let size = rowSize
        if let gradInput {
            kernelParallelFor(rows, costPerItem: size * 4) { r in
                let x = input + r * size, dy = gradOutput + r * size, dx = gradInput + r * size
                let mu = Double(mean[r]), inv = Double(rstd[r]), c0 = firstChannel(r)
                var sumG = 0.0, sumGX = 0.0
                for c in 0..<channelsPerRow {
                    let w = weight.map { Double($0[c0 + c]) } ?? 1
                    for i in (c * spatial)..<((c + 1) * spatial) {
                        let g = Double(dy[i]) * w
                        sumG += g; sumGX += g * (Double(x[i]) - mu) * inv
                    }
                }
                let meanG = sumG / Double(size), meanGX = sumGX / Double(size)
                for c in 0..<channelsPerRow {
                    let w = weight.map { Double($0[c0 + c]) } ?? 1
                    for i in (c * spatial)..<((c + 1) * spatial) {
                        let xhat = (Double(x[i]) - mu) * inv
                        dx[i] = T(inv * (Double(dy[i]) * w - meanG - xhat * meanGX))
                    }
                }
            }
        }
        guard gradWeight != nil || gradBias != nil else { return }
        var dw = [Double](repeating: 0, count: channels), db = dw
        for r in 0..<rows {
            let x = input + r * size, dy = gradOutput + r * size
            let mu = Double(mean[r]), inv = Double(rstd[r]), c0 = firstChannel(r)
            for c in 0..<channelsPerRow {
                var sw = 0.0, sb = 0.0
                for i in (c * spatial)..<((c + 1) * spatial) {
                    let g = Double(dy[i])
                    sb += g; sw += g * (Double(x[i]) - mu) * inv
                }
                dw[c0 + c] += sw; db[c0 + c] += sb
            }
        }
        for c in 0..<channels {
            gradWeight?[c] = T(dw[c])
            gradBias?[c] = T(db[c])
        }
    }
}

/// `layer_norm` over the trailing `size` elements of each of `rows` rows; `weight`/`bias` have `size`
/// elements; `mean`/`rstd` receive one value per row.
enum LayerNormKernel {
    /// Normalises each row and applies the optional elementwise affine.
    static func forward<T: KernelScalar>(rows: Int, size: Int, input: UnsafePointer<T>,
                                         weight: UnsafePointer<T>?, bias: UnsafePointer<T>?, eps: Double,
                                         output: UnsafeMutablePointer<T>, mean: UnsafeMutablePointer<T>,
                                         rstd: UnsafeMutablePointer<T>) {
        RowNormShape(rows: rows, channelsPerRow: size, spatial: 1, channels: size)
            .forward(input: input, weight: weight, bias: bias, eps: eps, output: output, mean: mean, rstd: rstd)
    }

    /// Each non-nil destination is overwritten.
    static func backward<T: KernelScalar>(rows: Int, size: Int, input: UnsafePointer<T>,
                                          gradOutput: UnsafePointer<T>, weight: UnsafePointer<T>?,
                                          mean: UnsafePointer<T>, rstd: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>?,
                                          gradWeight: UnsafeMutablePointer<T>?,
                                          gradBias: UnsafeMutablePointer<T>?) {
        RowNormShape(rows: rows, channelsPerRow: size, spatial: 1, channels: size)
            .backward(input: input, gradOutput: gradOutput, weight: weight, mean: mean, rstd: rstd,
                      gradInput: gradInput, gradWeight: gradWeight, gradBias: gradBias)
    }
}

/// `group_norm` over `[batch, channels, spatial]` with `groups` groups; `weight`/`bias` have `channels`
/// elements; `mean`/`rstd` receive `batch · groups` values.
enum GroupNormKernel {
    static func shape(batch: Int, channels: Int, spatial: Int, groups: Int) throws(KernelError) -> RowNormShape {
        guard groups >= 1, channels % groups == 0 else {
            throw .invalidArgument("Expected number of channels in input to be divisible by num_groups, but got input of shape with \(channels) channels and num_groups=\(groups)")
        }
        return RowNormShape(rows: batch * groups, channelsPerRow: channels / groups, spatial: spatial,
                            channels: channels)
    }

    /// Normalises each group of each sample and applies the optional per-channel affine.
    static func forward<T: KernelScalar>(batch: Int, channels: Int, spatial: Int, groups: Int,
                                         input: UnsafePointer<T>, weight: UnsafePointer<T>?,
                                         bias: UnsafePointer<T>?, eps: Double,
                                         output: UnsafeMutablePointer<T>, mean: UnsafeMutablePointer<T>,
                                         rstd: UnsafeMutablePointer<T>) throws(KernelError) {
        try shape(batch: batch, channels: channels, spatial: spatial, groups: groups)
            .forward(input: input, weight: weight, bias: bias, eps: eps, output: output, mean: mean, rstd: rstd)
    }

    /// Each non-nil destination is overwritten.
    static func backward<T: KernelScalar>(batch: Int, channels: Int, spatial: Int, groups: Int,
                                          input: UnsafePointer<T>, gradOutput: UnsafePointer<T>,
                                          weight: UnsafePointer<T>?, mean: UnsafePointer<T>,
                                          rstd: UnsafePointer<T>, gradInput: UnsafeMutablePointer<T>?,
                                          gradWeight: UnsafeMutablePointer<T>?,
                                          gradBias: UnsafeMutablePointer<T>?) throws(KernelError) {
        try shape(batch: batch, channels: channels, spatial: spatial, groups: groups)
            .backward(input: input, gradOutput: gradOutput, weight: weight, mean: mean, rstd: rstd,
                      gradInput: gradInput, gradWeight: gradWeight, gradBias: gradBias)
    }
}
