import Foundation

/// How a loss reduces its per-element values (`reduction=` in PyTorch).
public enum Reduction: String, Sendable, CaseIterable {
    case none, mean, sum
    /// `kl_div` only: the sum divided by the batch size (dim 0).
    case batchmean
}

/// Loss functions of `torch.nn.functional`, with PyTorch's formulas and grad_fn names.
extension Tensor {
    /// Reduces per-element losses (`none` keeps them; `batchmean` divides the sum by dim 0).
    func reduced(_ reduction: Reduction) throws -> Tensor {
        switch reduction {
        case .none: return self
        case .mean: return mean()
        case .sum: return sum()
        case .batchmean: return sum() / Float(rank == 0 ? 1 : shape[0])
        }
    }

    /// Checks that `input` and `target` have one shape (PyTorch broadcasts with a warning; we refuse).
    static func sameShape(_ input: Tensor, _ target: Tensor, _ op: String) throws {
        guard input.shape == target.shape else {
            throw TensorError.shapeMismatch("\(op): target size (\(target.shape)) must be the same as input size (\(input.shape))")
        }
    }

    /// Mean squared error (`MseLossBackward0` for every reduction).
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try sameShape(input, target, "mse_loss")
        let value = try noGrad { try ((input - target).square()).reduced(reduction) }
        let n = Float(input.numel)
        return makeResult(buffer: value.buffer, shape: value.shape, inputs: [input, target], name: .mseLossBackward0) { g in
            // d/dinput = 2 (input - target) · g (/ n for mean)
            let scale: Tensor = reduction == .none ? g * 2 : (reduction == .mean ? g * (2 / n) : g * 2)
            let d = try (input - target) * scale
            return [input.requiresGrad ? d : nil, target.requiresGrad ? d.negated() : nil]
        }
    }

    /// Mean absolute error: `|input - target|` reduced (`MeanBackward0` / `SumBackward0` / `AbsBackward0`, as PyTorch 2.x).
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try sameShape(input, target, "l1_loss")
        return try (input - target).abs().reduced(reduction)
    }

    /// Smooth L1 (Huber with `beta`): `0.5 d² / beta` below `beta`, `|d| - 0.5 beta` above (`SmoothL1LossBackward0`).
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Float = 1) throws -> Tensor {
        try sameShape(input, target, "smooth_l1_loss")
        let d = try noGrad { try input - target }
        let per = unaryOp(d, name: .smoothL1LossBackward0, { x in
            let a = Swift.abs(x)
            return beta > 0 && a < beta ? 0.5 * x * x / beta : a - 0.5 * beta
        }) { _, _ in 0 }
        let value = try per.reduced(reduction)
        let n = Float(input.numel)
        return makeResult(buffer: value.buffer, shape: value.shape, inputs: [input, target], name: .smoothL1LossBackward0) { g in
            let s = reduction == .mean ? g / n : g
            let slope = d.mapKernel { x in beta > 0 && Swift.abs(x) < beta ? x / beta : (x > 0 ? 1 : (x < 0 ? -1 : 0)) }
            let gi = try Tensor(buffer: slope, shape: d.shape) * s
            return [input.requiresGrad ? gi : nil, target.requiresGrad ? gi.negated() : nil]
        }
    }

    /// Negative log-likelihood of log-probabilities `input` (`[N, C]`, `[N, C, d…]` or `[C]`) at class
    /// indices `target` (`[N]`, `[N, d…]` or `[]`), with optional class `weight` and `ignoreIndex`
    /// (`NllLossBackward0`). `mean` divides by the total weight of the counted targets.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: Reduction = .mean) throws -> Tensor {
        guard reduction != .batchmean else { throw TensorError.invalidArgument("nll_loss: batchmean is only valid for kl_div") }
        let classDim = input.rank == 1 ? 0 : 1
        guard input.rank >= 1 else { throw TensorError.shapeMismatch("nll_loss: input must have at least 1 dimension") }
        let c = input.shape[classDim]
        var expected = input.shape
        expected.remove(at: classDim)
        guard target.shape == expected else {
            throw TensorError.shapeMismatch("nll_loss: expected target of shape \(expected) for input \(input.shape), got \(target.shape)")
        }
        if let weight, weight.shape != [c] {
            throw TensorError.shapeMismatch("weight tensor should be defined either for all \(c) classes or no classes but got weight tensor of shape: \(weight.shape)")
        }
        let inner = try input.lanes(classDim).inner
        // Per target: offset of the picked log-probability and its weight (0 when ignored).
        var offsets = [Int](repeating: 0, count: target.numel), weights = [Float](repeating: 0, count: target.numel)
        for i in 0 ..< target.numel {
            let v = target.buffer.pointer[i]
            if v == Float(ignoreIndex) { continue }
            guard v == v.rounded(), v >= 0, v < Float(c) else { throw TensorError.invalidArgument("Target \(v) is out of bounds (\(c) classes).") }
            let k = Int(v), o = i / inner, j = i % inner
            offsets[i] = (o * c + k) * inner + j
            weights[i] = weight.map { $0.buffer.pointer[k] } ?? 1
        }
        let totalWeight = weights.reduce(0, +)
        let px = input.buffer.pointer
        let losses = TensorBuffer(uninitializedCount: target.numel)
        for i in 0 ..< target.numel { losses.pointer[i] = weights[i] == 0 ? 0 : -weights[i] * px[offsets[i]] }
        let value: Tensor
        switch reduction {
        case .none: value = Tensor(buffer: losses, shape: target.shape)
        case .sum: value = noGrad { Tensor(buffer: losses, shape: target.shape).sum() }
        default: value = noGrad { Tensor(buffer: losses, shape: target.shape).sum() / totalWeight }
        }
        let source = input.shape
        // PyTorch names the node after the kernel: nll_loss2d for inputs of rank 4 (and rank 3, which it reshapes).
        let name: GradFnName = input.rank >= 3 ? .nllLoss2DBackward0 : .nllLossBackward0
        return makeResult(buffer: value.buffer, shape: value.shape, inputs: [input], name: name) { g in
            let r = TensorBuffer(repeating: 0, count: Tensor.count(source))
            let pg = g.buffer.pointer
            for i in 0 ..< weights.count where weights[i] != 0 {
                let gi = reduction == .none ? pg[i] : (reduction == .sum ? pg[0] : pg[0] / totalWeight)
                r.pointer[offsets[i]] -= weights[i] * gi
            }
            return [Tensor(buffer: r, shape: source)]
        }
    }

    /// Cross-entropy of logits `input` against class indices (an `.int64` target with the class dim
    /// removed) or class probabilities (a float target shaped like `input`), with `weight`,
    /// `ignoreIndex` (indices only) and `labelSmoothing`, following ATen's `cross_entropy_loss`.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: Reduction = .mean, labelSmoothing: Float = 0) throws -> Tensor {
        guard labelSmoothing >= 0, labelSmoothing <= 1 else { throw TensorError.invalidArgument("label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)") }
        let classDim = input.rank == 1 ? 0 : 1
        guard input.rank >= 1 else { throw TensorError.shapeMismatch("cross_entropy: input must have at least 1 dimension") }
        let c = Float(input.shape[classDim])
        let logp = try input.logSoftmax(dim: classDim)
        var weightView: Tensor?
        if let weight {
            var s = [Int](repeating: 1, count: input.rank)
            s[classDim] = input.shape[classDim]
            weightView = try weight.reshape(s)
        }
        if target.shape == input.shape && target.dtype == .float32 {
            // Probabilities: -(logp · target · weight) summed over classes.
            let t = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / c : target
            var prod = try logp * t
            if let weightView { prod = try prod * weightView }
            switch reduction {
            case .none: return try prod.sum(dim: classDim).negated()
            case .sum: return prod.sum().negated()
            case .mean: return (prod.sum().negated() / (Float(input.numel) / c)).renamed(.divBackward1)
            case .batchmean: throw TensorError.invalidArgument("cross_entropy: batchmean is only valid for kl_div")
            }
        }
        let nll = try nllLoss(logp, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        let ignored = target.eq(Float(ignoreIndex))
        let smooth = try weightView.map { try logp * $0 } ?? logp
        let per = try smooth.sum(dim: classDim).negated().maskedFill(ignored, 0)
        let ret: Tensor
        switch reduction {
        case .none: ret = per
        case .sum: ret = per.sum()
        default:
            let denominator: Float
            if let weight {
                denominator = (0 ..< target.numel).reduce(Float(0)) { acc, i in
                    let v = target.buffer.pointer[i]
                    return v == Float(ignoreIndex) ? acc : acc + weight.buffer.pointer[Int(v)]
                }
            } else {
                denominator = Float(target.numel) - (try ignored.sum().item())
            }
            ret = per.sum() / denominator
        }
        return try nll * (1 - labelSmoothing) + ret * (labelSmoothing / c)
    }

    /// Kullback–Leibler divergence with `input` as log-probabilities: `target · (log target − input)`
    /// (`exp(target) · (target − input)` when `logTarget`), reduced; `batchmean` is the mathematically right mean.
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, logTarget: Bool = false) throws -> Tensor {
        let per: Tensor
        if logTarget {
            per = try target.exp() * (target - input)
        } else {
            // xlogy(t, t) is 0 where t == 0.
            let tlogt = Tensor(buffer: target.mapKernel { $0 == 0 ? 0 : $0 * logf($0) }, shape: target.shape)
            per = try tlogt - target * input
        }
        return try per.reduced(reduction)
    }

    /// Binary cross-entropy of probabilities `input` against `target` in [0, 1], logs clamped at −100
    /// as PyTorch does (`BinaryCrossEntropyBackward0`).
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) throws -> Tensor {
        try sameShape(input, target, "binary_cross_entropy")
        for i in 0 ..< input.numel where !(input.buffer.pointer[i] >= 0 && input.buffer.pointer[i] <= 1) {
            throw TensorError.invalidArgument("all elements of input should be between 0 and 1")
        }
        let (perBuf, _) = try binaryKernel(input, target, cost: 10) { p, t in
            -(t * Swift.max(logf(p), -100) + (1 - t) * Swift.max(logf(1 - p), -100))
        }
        var per = Tensor(buffer: perBuf, shape: input.shape)
        if let weight { per = try noGrad { try per * weight } }
        let value = try noGrad { try per.reduced(reduction) }
        let n = Float(input.numel)
        return makeResult(buffer: value.buffer, shape: value.shape, inputs: [input], name: .binaryCrossEntropyBackward0) { g in
            let (d, _) = try binaryKernel(input, target) { p, t in (p - t) / Swift.max((1 - p) * p, 1e-12) }
            var gi = try Tensor(buffer: d, shape: input.shape) * (reduction == .mean ? g / n : g)
            if let weight { gi = try gi * weight }
            return [gi]
        }
    }

    /// Binary cross-entropy on logits, stable for large |x|, with `weight` and `posWeight` (broadcast
    /// over the last dim) (`BinaryCrossEntropyWithLogitsBackward0`).
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
                                                    reduction: Reduction = .mean) throws -> Tensor {
        try sameShape(input, target, "binary_cross_entropy_with_logits")
        let (per, logWeight) = try noGrad { () -> (Tensor, Tensor) in
            // log_weight = (pos_weight - 1) · target + 1; loss = (1 - t) x + lw (log1p(e^-|x|) + max(-x, 0))
            let lw = try posWeight.map { try ($0 - 1) * target + 1 } ?? Tensor.ones(target.shape)
            let softTerm = input.mapKernel(cost: 10) { x in log1pf(expf(-Swift.abs(x))) + Swift.max(-x, 0) }
            var l = try (1 - target) * input + lw * Tensor(buffer: softTerm, shape: input.shape)
            if let weight { l = try l * weight }
            return (l, lw)
        }
        let value = try noGrad { try per.reduced(reduction) }
        let n = Float(input.numel)
        return makeResult(buffer: value.buffer, shape: value.shape, inputs: [input], name: .binaryCrossEntropyWithLogitsBackward0) { g in
            // d/dx = σ(x) · lw − pw · t, with pw · t = lw − 1 + t
            let s = input.sigmoid()
            var gi = try s * logWeight - (logWeight - 1 + target)
            if let weight { gi = try gi * weight }
            return [try gi.expand(input.shape) * (reduction == .mean ? g / n : g)]
        }
    }
}
