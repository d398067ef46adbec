/// Batch normalisation over `[batch, channels, spatial]` (`spatial` = 1 for `BatchNorm1d` on 2-d input):
/// statistics per channel over batch and spatial positions, accumulated in Double.
enum BatchNormKernel {
    /// The buffer shape `[batch, channels, spatial]`.
    struct Shape: Equatable, Sendable {
        let batch: Int, channels: Int, spatial: Int
        init(batch: Int, channels: Int, spatial: Int) {
            self.batch = batch; self.channels = channels; self.spatial = spatial
        }
        var count: Int { batch * channels * spatial }
        /// Values per channel.
        var reduced: Int { batch * spatial }
    }

    /// Training mode: normalises with the batch mean and biased variance, writes them to `saveMean` /
    /// `saveInvstd` (1/√(var+eps)), and moves the running stats by `momentum` using the unbiased variance.
    static func forwardTraining<T: KernelScalar>(_ s: Shape, input: UnsafePointer<T>,
                                                 weight: UnsafePointer<T>?, bias: UnsafePointer<T>?,
                                                 eps: Double, momentum: Double,
                                                 runningMean: UnsafeMutablePointer<T>?,
                                                 runningVar: UnsafeMutablePointer<T>?,
                                                 output: UnsafeMutablePointer<T>,
                                                 saveMean: UnsafeMutablePointer<T>,
                                                 saveInvstd: UnsafeMutablePointer<T>) throws(KernelError) {
        let m = s.reduced
        guard m > 1 else {
            throw .invalidArgument("Expected more than 1 value per channel when training, got input size [\(s.batch), \(s.channels), \(s.spatial)]")
        }
        for c in 0..<s.channels {
            var sum = 0.0
            forEachRow(s, c) { p in for i in 0..<s.spatial { sum += Double(input[p + i]) } }
            let mean = sum / Double(m)
            var sq = 0.0
            forEachRow(s, c) { p in
                for i in 0..<s.spatial { let d = Double(input[p + i]) - mean; sq += d * d }
            }
            let variance = sq / Double(m)
            let invstd = 1 / (variance + eps).squareRoot()
            saveMean[c] = T(mean); saveInvstd[c] = T(invstd)
            if let runningMean { runningMean[c] = T((1 - momentum) * Double(runningMean[c]) + momentum * mean) }
            if let runningVar {
                let unbiased = sq / Double(m - 1)
                runningVar[c] = T((1 - momentum) * Double(runningVar[c]) + momentum * unbiased)
            }
            affine(s, c, input: input, mean: mean, invstd: invstd, weight: weight, bias: bias, output: output)
        }
    }

    /// Evaluation mode: normalises with the running statistics; `saveMean`/`saveInvstd` receive the
    /// running mean and 1/√(running_var+eps) for `backward`.
    static func forwardInference<T: KernelScalar>(_ s: Shape, input: UnsafePointer<T>,
                                                  weight: UnsafePointer<T>?, bias: UnsafePointer<T>?,
                                                  eps: Double, runningMean: UnsafePointer<T>,
                                                  runningVar: UnsafePointer<T>,
                                                  output: UnsafeMutablePointer<T>,
                                                  saveMean: UnsafeMutablePointer<T>,
                                                  saveInvstd: UnsafeMutablePointer<T>) {
        for c in 0..<s.channels {
            let mean = Double(runningMean[c]), invstd = 1 / (Double(runningVar[c]) + eps).squareRoot()
            saveMean[c] = T(mean); saveInvstd[c] = T(invstd)
            affine(s, c, input: input, mean: mean, invstd: invstd, weight: weight, bias: bias, output: output)
        }
    }

    /// Gradients; `training` selects whether the statistics depended on the input. Each non-nil
    /// destination is overwritten.
    static func backward<T: KernelScalar>(_ s: Shape, training: Bool, input: UnsafePointer<T>,
                                          gradOutput: UnsafePointer<T>, weight: UnsafePointer<T>?,
                                          saveMean: UnsafePointer<T>, saveInvstd: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>?,
                                          gradWeight: UnsafeMutablePointer<T>?,
                                          gradBias: UnsafeMutablePointer<T>?) {
        let m = Double(s.reduced)
        for c in 0..<s.channels {
            let mean = Double(saveMean[c]), invstd = Double(saveInvstd[c])
            var sumDy = 0.0, dot = 0.0
            forEachRow(s, c) { p in
                for i in 0..<s.spatial {
                    let dy = Double(gradOutput[p + i])
                    sumDy += dy; dot += dy * (Double(input[p + i]) - mean)
                }
            }
            gradBias?[c] = T(sumDy)
            gradWeight?[c] = T(dot * invstd)
            guard let gradInput else { continue }
            let w = weight.map { Double($0[c]) } ?? 1
            let scale = w * invstd
            if training {
                let meanDy = sumDy / m, k = dot * invstd * invstd / m
                forEachRow(s, c) { p in
                    for i in 0..<s.spatial {
                        let x = Double(input[p + i]) - mean
                        gradInput[p + i] = T((Double(gradOutput[p + i]) - meanDy - x * k) * scale)
                    }
                }
            } else {
                forEachRow(s, c) { p in
                    for i in 0..<s.spatial { gradInput[p + i] = T(Double(gradOutput[p + i]) * scale) }
                }
            }
        }
    }

    /// Calls `body(offset)` with the start of channel `c`'s row in each sample.
    @inline(__always)
    static func forEachRow(_ s: Shape, _ c: Int, _ body: (Int) -> Void) {
        for n in 0..<s.batch { body((n * s.channels + c) * s.spatial) }
    }

    @inline(__always)
    static func affine<T: KernelScalar>(_ s: Shape, _ c: Int, input: UnsafePointer<T>, mean: Double,
                                        invstd: Double, weight: UnsafePointer<T>?, bias: UnsafePointer<T>?,
                                        output: UnsafeMutablePointer<T>) {
        let w = weight.map { Double($0[c]) } ?? 1, b = bias.map { Double($0[c]) } ?? 0
        // y = x·a + shift, folding mean, invstd and the affine parameters.
        let a = T(w * invstd), shift = T(b - mean * w * invstd)
        forEachRow(s, c) { p in for i in 0..<s.spatial { output[p + i] = input[p + i] * a + shift } }
    }
}
