import CkptCore

/// Reductions: sum, mean, var/std over dims (keepdim), max/min with indices, argmax/argmin.
/// Sums accumulate in Double so large reductions stay within 1e-5 of PyTorch.
extension Tensor {
    /// The shape after reducing `dims` (normalised, sorted, unique), with or without kept 1s.
    func reducedShape(_ dims: [Int], keepdim: Bool) -> [Int] {
        var s: [Int] = []
        for i in 0 ..< rank {
            if dims.contains(i) { if keepdim { s.append(1) } } else { s.append(shape[i]) }
        }
        return s
    }

    /// `dims` normalised; empty means all dims (PyTorch's `dim=None`).
    func reductionDims(_ dims: [Int]?) throws -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0 ..< rank) }
        let ds = try dims.map { try normalizeDim($0) }
        guard Set(ds).count == ds.count else { throw TensorError.invalidArgument("dim \(dims) appears multiple times in the list of dims") }
        return ds.sorted()
    }

    /// Sum of all elements, a scalar (`SumBackward0`).
    public func sum() -> Tensor {
        var acc = 0.0
        let p = buffer.pointer
        for i in 0 ..< numel { acc += Double(p[i]) }
        let source = shape
        return Tensor.makeResult(buffer: TensorBuffer([Float(acc)]), shape: [], dtype: dtype == .float32 ? .float32 : .int64,
                                 inputs: [self], name: .sumBackward0) { g in [try g.expand(source)] }
    }

    /// Sum over `dims` (`SumBackward1`).
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let ds = try reductionDims(dims)
        let kept = reducedShape(ds, keepdim: true)
        let s = try Tensor.noGrad { try sumTo(kept) }
        let target = reducedShape(ds, keepdim: keepdim)
        let source = shape
        return Tensor.makeResult(buffer: s.buffer, shape: target, dtype: dtype == .float32 ? .float32 : .int64, inputs: [self],
                                 name: .sumBackward1) { g in [try g.reshaped(kept, name: .viewBackward0).expand(source)] }
    }

    /// Sum over one dim (`SumBackward1`).
    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepdim: keepdim) }

    /// Mean of all elements (`MeanBackward0`).
    public func mean() -> Tensor {
        let n = Float(numel)
        let s = Tensor.noGrad { sum() }
        let source = shape
        let out = s.mapKernel { $0 / n }
        return Tensor.makeResult(buffer: out, shape: [], inputs: [self], name: .meanBackward0) { g in [try (g / n).expand(source)] }
    }

    /// Mean over `dims` (`MeanBackward1`).
    public func mean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let ds = try reductionDims(dims)
        let n = Float(ds.map { shape[$0] }.reduce(1, *))
        let kept = reducedShape(ds, keepdim: true)
        let s = try Tensor.noGrad { try sumTo(kept) }
        let out = s.mapKernel { $0 / n }
        let source = shape
        return Tensor.makeResult(buffer: out, shape: reducedShape(ds, keepdim: keepdim), inputs: [self], name: .meanBackward1) { g in
            [try (g / n).reshaped(kept, name: .viewBackward0).expand(source)]
        }
    }

    /// Mean over one dim (`MeanBackward1`).
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// Variance over `dims` (nil: all) with `correction` (1 = unbiased, PyTorch's default) (`VarBackward0`).
    public func variance(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        try varianceFamily(dims: dims, correction: correction, keepdim: keepdim, std: false)
    }

    /// Standard deviation over `dims` (nil: all) with `correction` (`StdBackward0`).
    public func std(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        try varianceFamily(dims: dims, correction: correction, keepdim: keepdim, std: true)
    }

    /// `unbiased` spelling of `variance` (`torch.var(x, dim, unbiased=...)`).
    public func variance(dim: Int, unbiased: Bool = true, keepdim: Bool = false) throws -> Tensor {
        try variance(dims: [dim], correction: unbiased ? 1 : 0, keepdim: keepdim)
    }

    /// `unbiased` spelling of `std`.
    public func std(dim: Int, unbiased: Bool = true, keepdim: Bool = false) throws -> Tensor {
        try std(dims: [dim], correction: unbiased ? 1 : 0, keepdim: keepdim)
    }

    private func varianceFamily(dims: [Int]?, correction: Int, keepdim: Bool, std: Bool) throws -> Tensor {
        let ds = try reductionDims(dims)
        let n = ds.map { shape[$0] }.reduce(1, *)
        let denom = Float(Swift.max(n - correction, 0))
        let kept = reducedShape(ds, keepdim: true)
        let x = self
        let (value, centered) = try Tensor.noGrad { () -> (Tensor, Tensor) in
            let c = try x - x.mean(dims: ds, keepdim: true)
            var v = try c.square().sum(dims: ds, keepdim: true) / denom
            if std { v = v.sqrt() }
            return (v, c)
        }
        let outShape = reducedShape(ds, keepdim: keepdim)
        return Tensor.makeResult(buffer: value.buffer, shape: outShape, inputs: [x], name: std ? .stdBackward0 : .varBackward0) { g in
            // d var / dx = 2 (x - mean) / (n - correction); d std = d var / (2 std)
            var scale = g.reshaped(kept, name: .viewBackward0)
            if std { scale = try scale / value } else { scale = scale * 2 }
            return [try centered * scale / denom]
        }
    }

    /// Largest element, a scalar (`MaxBackward1`; ties share the gradient evenly).
    public func max() throws -> Tensor { try extremum(largest: true) }

    /// Smallest element, a scalar (`MinBackward1`).
    public func min() throws -> Tensor { try extremum(largest: false) }

    private func extremum(largest: Bool) throws -> Tensor {
        guard numel > 0 else {
            throw TensorError.invalidArgument("\(largest ? "max" : "min")(): Expected reduction dim to be specified for input.numel() == 0.")
        }
        let p = buffer.pointer
        var m = p[0]
        for i in 0 ..< numel {
            let v = p[i]
            if v.isNaN { m = v; break }
            if largest ? v > m : v < m { m = v }
        }
        let best = m, x = self
        return Tensor.makeResult(buffer: TensorBuffer([m]), shape: [], dtype: dtype, inputs: [self],
                                 name: largest ? .maxBackward1 : .minBackward1) { g in
            let mask = x.mapKernel { $0 == best || ($0.isNaN && best.isNaN) ? 1 : 0 }
            var ties: Float = 0
            for i in 0 ..< x.numel { ties += mask.pointer[i] }
            let gv = try g.item() / Swift.max(ties, 1)
            for i in 0 ..< x.numel { mask.pointer[i] *= gv }
            return [Tensor(buffer: mask, shape: x.shape)]
        }
    }

    /// Largest values along `dim` and their indices (first occurrence) (`MaxBackward0`).
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepdim: keepdim, largest: true)
    }

    /// Smallest values along `dim` and their indices (`MinBackward0`).
    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepdim: keepdim, largest: false)
    }

    /// Index of the largest element along `dim` (an `.int64` tensor); nil `dim`: index into the flattened tensor.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try reshape([-1]).extremum(dim: 0, keepdim: false, largest: true).indices }
        return try extremum(dim: dim, keepdim: keepdim, largest: true).indices
    }

    /// Index of the smallest element along `dim` (an `.int64` tensor); nil `dim`: index into the flattened tensor.
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try reshape([-1]).extremum(dim: 0, keepdim: false, largest: false).indices }
        return try extremum(dim: dim, keepdim: keepdim, largest: false).indices
    }

    private func extremum(dim: Int, keepdim: Bool, largest: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim)
        let (outer, size, inner) = try lanes(d)
        guard size > 0 else { throw TensorError.invalidArgument("cannot reduce over a zero-size dimension \(d)") }
        let values = TensorBuffer(uninitializedCount: outer * inner), idx = TensorBuffer(uninitializedCount: outer * inner)
        let p = buffer.pointer
        for lane in 0 ..< outer * inner {
            let base = (lane / inner) * size * inner + lane % inner
            var m = p[base], at = 0
            if !m.isNaN {
                for k in 1 ..< size {
                    let v = p[base + k * inner]
                    if v.isNaN { m = v; at = k; break }
                    if largest ? v > m : v < m { m = v; at = k }
                }
            }
            values.pointer[lane] = m
            idx.pointer[lane] = Float(at)
        }
        let outShape = rank == 0 ? [] : reducedShape([d], keepdim: keepdim)
        let source = shape
        let result = Tensor.makeResult(buffer: values, shape: outShape, dtype: dtype, inputs: [self],
                                       name: largest ? .maxBackward0 : .minBackward0) { g in
            let r = TensorBuffer(repeating: 0, count: Tensor.count(source))
            for lane in 0 ..< outer * inner {
                let base = (lane / inner) * size * inner + lane % inner
                r.pointer[base + Int(idx.pointer[lane]) * inner] += g.buffer.pointer[lane]
            }
            return [Tensor(buffer: r, shape: source)]
        }
        return (result, Tensor(buffer: idx, shape: outShape, dtype: .int64))
    }
}

extension Tensor {
    /// `log Σ exp(x)` over `dims` (`torch.logsumexp`, `LogsumexpBackward0`), computed stably as PyTorch does: the
    /// largest value along the dims is taken out first (an infinite one counts as 0). The gradient is the softmax
    /// over the dims, `exp(x − result)`.
    public func logsumexp(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let reduced = Set(try dims.map { try normalizeDim($0) }).sorted()
        let (kept, result) = try Tensor.noGrad { () -> (Tensor, Tensor) in
            var largest = self
            for d in reduced { largest = try largest.max(dim: d, keepdim: true).values }
            largest = try largest.maskedFill(largest.abs().eq(Float.infinity), 0)
            let kept = try (self - largest).exp().sum(dims: reduced, keepdim: true).log() + largest
            return (kept, keepdim ? kept : try kept.reshape(try kept.squeezedShape(reduced)))
        }
        return Tensor.makeResult(buffer: result.buffer, shape: result.shape, inputs: [self], name: .logsumexpBackward0) { [self] g in
            [try g.reshape(kept.shape) * (self - kept).exp()]
        }
    }

    /// This shape without the (size 1) dims `dims`.
    func squeezedShape(_ dims: [Int]) throws -> [Int] {
        shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
    }
}
