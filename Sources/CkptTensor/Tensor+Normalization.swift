import CkptCore

/// Normalisation ops recorded for autograd: `batch_norm` (`NativeBatchNormBackward0`), `layer_norm`
/// (`NativeLayerNormBackward0`), `group_norm` (`NativeGroupNormBackward0`). Inputs are listed as
/// PyTorch's nodes list them: input, weight, bias (absent ones as `nil` edges).
extension Tensor {
    /// `F.batch_norm` on `[N, C, *]`. Training normalises with batch statistics and, when given, moves
    /// `runningMean`/`runningVar` in place (`momentum`, unbiased variance); evaluation uses them.
    public func batchNorm(runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
                          training: Bool, momentum: Double = 0.1, eps: Double = 1e-5) throws -> Tensor {
        guard dtype == .float32, rank >= 2 else {
            throw TensorError.shapeMismatch("batch_norm expects a float input of at least 2 dims, got \(shape)")
        }
        let s = BatchNormKernel.Shape(batch: shape[0], channels: shape[1], spatial: shape.dropFirst(2).reduce(1, *))
        for (t, what) in [(runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias")] {
            if let t { try t.requireVector(s.channels, op: "batch_norm \(what)") }
        }
        let out = TensorBuffer(uninitializedCount: numel)
        var mean = [Float](repeating: 0, count: s.channels), invstd = mean
        if training {
            try kernelCall {
                try BatchNormKernel.forwardTraining(s, input: buffer.pointer, weight: weight?.buffer.pointer,
                                                    bias: bias?.buffer.pointer, eps: eps, momentum: momentum,
                                                    runningMean: runningMean?.buffer.pointer,
                                                    runningVar: runningVar?.buffer.pointer, output: out.pointer,
                                                    saveMean: &mean, saveInvstd: &invstd)
            }
        } else {
            guard let runningMean, let runningVar else {
                throw TensorError.invalidArgument("running_mean and running_var must be defined in evaluation mode")
            }
            BatchNormKernel.forwardInference(s, input: buffer.pointer, weight: weight?.buffer.pointer,
                                             bias: bias?.buffer.pointer, eps: eps,
                                             runningMean: runningMean.buffer.pointer,
                                             runningVar: runningVar.buffer.pointer, output: out.pointer,
                                             saveMean: &mean, saveInvstd: &invstd)
        }
        let x = self
        return Tensor.makeResult(buffer: out, shape: shape, inputs: [x, weight ?? .absentInput, bias ?? .absentInput],
                                 name: .nativeBatchNormBackward0) { g in
            let gx = x.requiresGrad ? TensorBuffer(uninitializedCount: x.numel) : nil
            let gw = weight?.requiresGrad == true ? TensorBuffer(uninitializedCount: s.channels) : nil
            let gb = bias?.requiresGrad == true ? TensorBuffer(uninitializedCount: s.channels) : nil
            BatchNormKernel.backward(s, training: training, input: x.buffer.pointer, gradOutput: g.buffer.pointer,
                                     weight: weight?.buffer.pointer, saveMean: mean, saveInvstd: invstd,
                                     gradInput: gx?.pointer, gradWeight: gw?.pointer, gradBias: gb?.pointer)
            return Tensor.normGradients(gx, gw, gb, x.shape, [s.channels])
        }
    }

    /// `F.layer_norm` over the trailing `normalizedShape` dims; `weight`/`bias` have that shape.
    public func layerNorm(normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                          eps: Double = 1e-5) throws -> Tensor {
        guard dtype == .float32, !normalizedShape.isEmpty, rank >= normalizedShape.count,
              Array(shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw TensorError.shapeMismatch("Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(shape)")
        }
        for (t, what) in [(weight, "weight"), (bias, "bias")] {
            if let t, t.shape != normalizedShape {
                throw TensorError.shapeMismatch("layer_norm \(what) must have shape \(normalizedShape), got \(t.shape)")
            }
        }
        let size = normalizedShape.reduce(1, *), rows = size == 0 ? 0 : numel / size
        let out = TensorBuffer(uninitializedCount: numel)
        var mean = [Float](repeating: 0, count: rows), rstd = mean
        LayerNormKernel.forward(rows: rows, size: size, input: buffer.pointer, weight: weight?.buffer.pointer,
                                bias: bias?.buffer.pointer, eps: eps, output: out.pointer, mean: &mean, rstd: &rstd)
        let x = self
        return Tensor.makeResult(buffer: out, shape: shape, inputs: [x, weight ?? .absentInput, bias ?? .absentInput],
                                 name: .nativeLayerNormBackward0) { g in
            let gx = x.requiresGrad ? TensorBuffer(uninitializedCount: x.numel) : nil
            let gw = weight?.requiresGrad == true ? TensorBuffer(uninitializedCount: size) : nil
            let gb = bias?.requiresGrad == true ? TensorBuffer(uninitializedCount: size) : nil
            LayerNormKernel.backward(rows: rows, size: size, input: x.buffer.pointer, gradOutput: g.buffer.pointer,
                                     weight: weight?.buffer.pointer, mean: mean, rstd: rstd, gradInput: gx?.pointer,
                                     gradWeight: gw?.pointer, gradBias: gb?.pointer)
            return Tensor.normGradients(gx, gw, gb, x.shape, normalizedShape)
        }
    }

    /// `F.group_norm` on `[N, C, *]` with `numGroups` groups; `weight`/`bias` have `C` elements.
    public func groupNorm(numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
        guard dtype == .float32, rank >= 2 else {
            throw TensorError.shapeMismatch("group_norm expects a float input of at least 2 dims, got \(shape)")
        }
        let (n, c, spatial) = (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
        for (t, what) in [(weight, "weight"), (bias, "bias")] {
            if let t { try t.requireVector(c, op: "group_norm \(what)") }
        }
        let out = TensorBuffer(uninitializedCount: numel)
        let groups = max(numGroups, 1)
        var mean = [Float](repeating: 0, count: n * groups), rstd = mean
        try kernelCall {
            guard numGroups >= 1 else { throw KernelError.invalidArgument("num_groups must be positive, got \(numGroups)") }
            try GroupNormKernel.forward(batch: n, channels: c, spatial: spatial, groups: numGroups, input: buffer.pointer,
                                        weight: weight?.buffer.pointer, bias: bias?.buffer.pointer, eps: eps,
                                        output: out.pointer, mean: &mean, rstd: &rstd)
        }
        let x = self
        return Tensor.makeResult(buffer: out, shape: shape, inputs: [x, weight ?? .absentInput, bias ?? .absentInput],
                                 name: .nativeGroupNormBackward0) { g in
            let gx = x.requiresGrad ? TensorBuffer(uninitializedCount: x.numel) : nil
            let gw = weight?.requiresGrad == true ? TensorBuffer(uninitializedCount: c) : nil
            let gb = bias?.requiresGrad == true ? TensorBuffer(uninitializedCount: c) : nil
            try GroupNormKernel.backward(batch: n, channels: c, spatial: spatial, groups: numGroups,
                                         input: x.buffer.pointer, gradOutput: g.buffer.pointer,
                                         weight: weight?.buffer.pointer, mean: mean, rstd: rstd,
                                         gradInput: gx?.pointer, gradWeight: gw?.pointer, gradBias: gb?.pointer)
            return Tensor.normGradients(gx, gw, gb, x.shape, [c])
        }
    }

    static func normGradients(_ gx: TensorBuffer?, _ gw: TensorBuffer?, _ gb: TensorBuffer?, _ inputShape: [Int],
                              _ paramShape: [Int]) -> [Tensor?] {
        [gx.map { Tensor(buffer: $0, shape: inputShape) }, gw.map { Tensor(buffer: $0, shape: paramShape) },
         gb.map { Tensor(buffer: $0, shape: paramShape) }]
    }
}


// MARK: - Instance norm

/// `F.instance_norm`, built as PyTorch builds it: the input viewed as `[1, N·C, *]`, a batch norm over it
/// with the affine parameters and running statistics repeated per sample, and the view back — so the
/// graph reads `ViewBackward0 → NativeBatchNormBackward0 → (ViewBackward0, RepeatBackward0, RepeatBackward0)`.
extension Tensor {
    /// Normalises each channel of each sample over its spatial positions. With `useInputStats` false,
    /// `runningMean`/`runningVar` normalise instead; when they are given and input statistics are used,
    /// they move by `momentum` towards the batch's per-channel averages.
    public func instanceNorm(runningMean: Tensor? = nil, runningVar: Tensor? = nil, weight: Tensor? = nil,
                             bias: Tensor? = nil, useInputStats: Bool = true, momentum: Double = 0.1,
                             eps: Double = 1e-5) throws -> Tensor {
        guard dtype == .float32, rank >= 3 else {
            throw TensorError.shapeMismatch("instance_norm expects a float input of at least 3 dims, got \(shape)")
        }
        let (n, c) = (shape[0], shape[1])
        for (t, what) in [(runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias")] {
            if let t { try t.requireVector(c, op: "instance_norm \(what)") }
        }
        let viewed = spatialReshaped([1, n * c] + shape.dropFirst(2), name: .viewBackward0)
        let mean = try runningMean.map { try $0.repeatedVector(n) }, variance = try runningVar.map { try $0.repeatedVector(n) }
        let out = try viewed.batchNorm(runningMean: mean, runningVar: variance, weight: try weight?.repeatedVector(n),
                                       bias: try bias?.repeatedVector(n), training: useInputStats,
                                       momentum: momentum, eps: eps)
        // The repeated running statistics moved per sample; the originals take their average over samples.
        for (original, repeated) in [(runningMean, mean), (runningVar, variance)] {
            guard let original, let repeated, useInputStats else { continue }
            let dst = original.buffer.pointer, src = repeated.buffer.pointer
            for ch in 0..<c {
                var sum = 0.0
                for s in 0..<n { sum += Double(src[s * c + ch]) }
                dst[ch] = Float(sum / Double(max(n, 1)))
            }
        }
        return out.spatialReshaped(shape, name: .viewBackward0)
    }

    /// A vector repeated `times` times end to end (`RepeatBackward0`: the gradient sums the copies).
    func repeatedVector(_ times: Int) throws -> Tensor {
        let count = numel
        let out = TensorBuffer(uninitializedCount: count * times)
        for t in 0..<times { (out.pointer + t * count).update(from: buffer.pointer, count: count) }
        let source = shape
        return Tensor.makeResult(buffer: out, shape: [count * times], inputs: [self], name: .repeatBackward0) { g in
            let gx = TensorBuffer(repeating: 0, count: count)
            for t in 0..<times { for i in 0..<count { gx.pointer[i] += g.buffer.pointer[t * count + i] } }
            return [Tensor(buffer: gx, shape: source)]
        }
    }
}
