/// NumPy/PyTorch broadcasting: shapes aligned from the right; a dimension of 1 stretches.
public enum Broadcast {
    /// The broadcast shape of `a` and `b`, or a `shapeMismatch` in PyTorch's words.
    public static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0 ..< r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw TensorError.broadcast(a: da, b: db, dim: i)
            }
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Element strides that read a contiguous tensor of `shape` as if it had shape `out` (0 on stretched dims).
    public static func strides(of shape: [Int], to out: [Int]) -> [Int] {
        var result = [Int](repeating: 0, count: out.count)
        var acc = 1
        let lead = out.count - shape.count
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            result[lead + i] = shape[i] == 1 ? 0 : acc
            acc *= shape[i]
        }
        return result
    }

    /// Visits the rows (innermost dimension) of `out`, in parallel past the threshold. For each row the
    /// body gets the output offset, one input offset per stride list, and the row length.
    @inline(__always)
    static func forEachRow(_ out: [Int], _ strideLists: [[Int]], cost: Int,
                           _ body: (_ outOffset: Int, _ offsets: [Int], _ count: Int) -> Void) {
        let r = out.count
        let total = out.reduce(1, *)
        if total == 0 { return }
        let inner = r == 0 ? 1 : out[r - 1]
        let rows = total / inner
        Parallel.forRanges(rows, cost: cost * inner) { range in
            var index = [Int](repeating: 0, count: max(r - 1, 0))
            var offsets = [Int](repeating: 0, count: strideLists.count)
            var rest = range.lowerBound
            for d in stride(from: r - 2, through: 0, by: -1) {
                index[d] = rest % out[d]
                rest /= out[d]
                for k in strideLists.indices { offsets[k] += index[d] * strideLists[k][d] }
            }
            for row in range {
                body(row * inner, offsets, inner)
                var d = r - 2
                while d >= 0 {
                    index[d] += 1
                    for k in strideLists.indices { offsets[k] += strideLists[k][d] }
                    if index[d] < out[d] { break }
                    for k in strideLists.indices { offsets[k] -= strideLists[k][d] * out[d] }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}

extension Tensor {
    /// Applies `f` elementwise over the broadcast of `a` and `b` into a new buffer.
    @inline(__always)
    static func binaryKernel(_ a: Tensor, _ b: Tensor, cost: Int = 1,
                             _ f: (Float, Float) -> Float) throws -> (TensorBuffer, [Int]) {
        let pa = a.buffer.pointer, pb = b.buffer.pointer
        if a.shape == b.shape {
            let out = TensorBuffer(uninitializedCount: a.numel)
            let po = out.pointer
            Parallel.forRanges(a.numel, cost: cost) { r in for i in r { po[i] = f(pa[i], pb[i]) } }
            return (out, a.shape)
        }
        let shape = try Broadcast.shape(a.shape, b.shape)
        let out = TensorBuffer(uninitializedCount: try Tensor.checkedCount(shape))
        let po = out.pointer
        let sa = Broadcast.strides(of: a.shape, to: shape), sb = Broadcast.strides(of: b.shape, to: shape)
        let ia = sa.last ?? 0, ib = sb.last ?? 0
        Broadcast.forEachRow(shape, [sa, sb], cost: cost) { o, off, n in
            let xa = pa + off[0], xb = pb + off[1], y = po + o
            switch (ia, ib) {
            case (1, 1): for j in 0 ..< n { y[j] = f(xa[j], xb[j]) }
            case (1, 0): let v = xb[0]; for j in 0 ..< n { y[j] = f(xa[j], v) }
            case (0, 1): let v = xa[0]; for j in 0 ..< n { y[j] = f(v, xb[j]) }
            default: for j in 0 ..< n { y[j] = f(xa[j * ia], xb[j * ib]) }
            }
        }
        return (out, shape)
    }

    /// Applies `f` to every element into a new buffer.
    @inline(__always)
    func mapKernel(cost: Int = 1, _ f: (Float) -> Float) -> TensorBuffer {
        let out = TensorBuffer(uninitializedCount: numel)
        let p = buffer.pointer, po = out.pointer
        Parallel.forRanges(numel, cost: cost) { r in for i in r { po[i] = f(p[i]) } }
        return out
    }

    /// Sums this tensor down to `target`, a shape it was broadcast from (the backward of broadcasting).
    public func sumTo(_ target: [Int]) throws -> Tensor {
        if target == shape { return self }
        guard (try? Broadcast.shape(target, shape)) == shape else {
            throw TensorError.shapeMismatch("shape \(shape) cannot be summed to \(target)")
        }
        let st = Broadcast.strides(of: target, to: shape)
        var acc = [Double](repeating: 0, count: Tensor.count(target))
        let p = buffer.pointer
        acc.withUnsafeMutableBufferPointer { a in
            let it = st.last ?? 0
            // Sequential on purpose: rows may add into the same targets.
            let r = shape.count
            let inner = r == 0 ? 1 : shape[r - 1]
            var index = [Int](repeating: 0, count: Swift.max(r - 1, 0))
            var off = 0
            for row in 0 ..< numel / Swift.max(inner, 1) {
                let x = p + row * inner
                if it == 0 {
                    var s = 0.0
                    for j in 0 ..< inner { s += Double(x[j]) }
                    a[off] += s
                } else {
                    for j in 0 ..< inner { a[off + j * it] += Double(x[j]) }
                }
                var d = r - 2
                while d >= 0 {
                    index[d] += 1; off += st[d]
                    if index[d] < shape[d] { break }
                    off -= st[d] * shape[d]; index[d] = 0; d -= 1
                }
            }
        }
        let out = TensorBuffer(uninitializedCount: acc.count)
        for i in acc.indices { out.pointer[i] = Float(acc[i]) }
        let source = shape
        return Tensor.makeResult(buffer: out, shape: target, inputs: [self], name: .sumBackward1) { g in
            [try g.expand(source)]
        }
    }

    /// This tensor broadcast to `shape` (materialised), as `expand`.
    public func expand(_ shape: [Int]) throws -> Tensor {
        let target = try Tensor.expandedShape(self.shape, to: shape)
        if target == self.shape { return self }
        let st = Broadcast.strides(of: self.shape, to: target)
        let out = TensorBuffer(uninitializedCount: try Tensor.checkedCount(target))
        let p = buffer.pointer, po = out.pointer
        let it = st.last ?? 0
        Broadcast.forEachRow(target, [st], cost: 1) { o, off, n in
            let x = p + off[0], y = po + o
            if it == 0 { let v = x[0]; for j in 0 ..< n { y[j] = v } } else { for j in 0 ..< n { y[j] = x[j] } }
        }
        let source = self.shape
        return Tensor.makeResult(buffer: out, shape: target, dtype: dtype, inputs: [self], name: .expandBackward0) { g in
            [try g.sumTo(source)]
        }
    }

    /// `shape` with -1 entries kept from `source`, checked to be a valid expansion of it.
    static func expandedShape(_ source: [Int], to shape: [Int]) throws -> [Int] {
        guard shape.count >= source.count else {
            throw TensorError.shapeMismatch("expand: the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(source.count))")
        }
        let lead = shape.count - source.count
        var target = shape
        for i in 0 ..< shape.count {
            let s = i < lead ? 1 : source[i - lead]
            if shape[i] == -1, i >= lead { target[i] = s; continue }
            guard shape[i] >= 0, s == shape[i] || s == 1 else {
                throw TensorError.expandedSize(target: shape, source: source, dim: i)
            }
        }
        return target
    }
}
