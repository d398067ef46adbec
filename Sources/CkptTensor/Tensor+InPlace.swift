/// In-place updates for optimizers and initialisers (`add_`, `mul_`, `addcmul_`, `copy_`, …).
/// They bypass autograd, so, as in PyTorch, they throw on a leaf that requires grad while grad mode
/// is on: wrap parameter updates in `Tensor.noGrad { }`.
extension Tensor {
    private func checkInPlace(_ op: String) throws {
        guard !(requiresGrad && isLeaf && Tensor.isGradEnabled) else {
            throw TensorError.autograd("a leaf Variable that requires grad is being used in an in-place operation (\(op)).")
        }
    }

    /// `other` broadcast to this tensor's shape (it may not grow this tensor).
    private func operand(_ other: Tensor, _ op: String) throws -> Tensor {
        guard try Broadcast.shape(shape, other.shape) == shape else {
            throw TensorError.shapeMismatch("\(op): output with shape \(shape) doesn't match the broadcast shape of \(other.shape)")
        }
        return try Tensor.noGrad { try other.expand(shape) }
    }

    /// `self += alpha * other`.
    public func add_(_ other: Tensor, alpha: Float = 1) throws {
        try checkInPlace("add_")
        let o = try operand(other, "add_")
        let p = buffer.pointer, q = o.buffer.pointer
        Parallel.forRanges(numel) { r in for i in r { p[i] += alpha * q[i] } }
    }

    /// `self += s`.
    public func add_(_ s: Float) throws {
        try checkInPlace("add_")
        let p = buffer.pointer
        Parallel.forRanges(numel) { r in for i in r { p[i] += s } }
    }

    /// `self *= s`.
    public func mul_(_ s: Float) throws {
        try checkInPlace("mul_")
        let p = buffer.pointer
        Parallel.forRanges(numel) { r in for i in r { p[i] *= s } }
    }

    /// `self *= other` (broadcast).
    public func mul_(_ other: Tensor) throws {
        try checkInPlace("mul_")
        let o = try operand(other, "mul_")
        let p = buffer.pointer, q = o.buffer.pointer
        Parallel.forRanges(numel) { r in for i in r { p[i] *= q[i] } }
    }

    /// `self += value * a * b` (Adam's second moment).
    public func addcmul_(_ a: Tensor, _ b: Tensor, value: Float = 1) throws {
        try checkInPlace("addcmul_")
        let x = try operand(a, "addcmul_"), y = try operand(b, "addcmul_")
        let p = buffer.pointer, q = x.buffer.pointer, w = y.buffer.pointer
        Parallel.forRanges(numel) { r in for i in r { p[i] += value * q[i] * w[i] } }
    }

    /// `self += value * a / b` (Adam's step).
    public func addcdiv_(_ a: Tensor, _ b: Tensor, value: Float = 1) throws {
        try checkInPlace("addcdiv_")
        let x = try operand(a, "addcdiv_"), y = try operand(b, "addcdiv_")
        let p = buffer.pointer, q = x.buffer.pointer, w = y.buffer.pointer
        Parallel.forRanges(numel) { r in for i in r { p[i] += value * q[i] / w[i] } }
    }

    /// Copies `source` (broadcast) into this tensor's elements (`copy_`; also loads weights).
    public func copy_(_ source: Tensor) throws {
        try checkInPlace("copy_")
        let o = try operand(source, "copy_")
        buffer.pointer.update(from: o.buffer.pointer, count: numel)
    }

    /// Sets every element to 0.
    public func zero_() throws {
        try checkInPlace("zero_")
        buffer.pointer.update(repeating: 0, count: numel)
    }

    /// Clamps every element into `[min, max]` in place.
    public func clamp_(min lo: Float? = nil, max hi: Float? = nil) throws {
        try checkInPlace("clamp_")
        let l = lo ?? -.infinity, h = hi ?? .infinity, p = buffer.pointer
        for i in 0 ..< numel where !p[i].isNaN { p[i] = Swift.min(Swift.max(p[i], l), h) }
    }
}
