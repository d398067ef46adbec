import CkptCore

/// Shape ops: reshape/view, flatten, squeeze/unsqueeze, transpose/permute. Reshapes share the buffer;
/// transposes and permutes materialise (every engine tensor is contiguous).
extension Tensor {
    /// `shape` with one `-1` inferred from `count` elements; throws when it cannot hold them.
    public static func inferShape(_ shape: [Int], count: Int) throws -> [Int] {
        var result = shape
        let unknown = shape.indices.filter { shape[$0] == -1 }
        guard unknown.count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.shapeMismatch("shape '\(shape)' is invalid: at most one dimension can be -1 and none may be negative")
        }
        guard let known = TensorEntry.checkedNumel(shape.filter { $0 != -1 }) else {
            throw TensorError.viewShape(shape: shape, count: count)
        }
        if let u = unknown.first {
            guard known != 0, count % known == 0 else {
                throw TensorError.viewShape(shape: shape, count: count)
            }
            result[u] = count / known
        } else if known != count {
            throw TensorError.viewShape(shape: shape, count: count)
        }
        return result
    }

    /// A tensor of the new shape over the same elements (`ViewBackward0`); one dimension may be -1.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        let target = try Tensor.inferShape(newShape, count: numel)
        return reshaped(target, name: .viewBackward0)
    }

    /// Same as `reshape` (engine tensors are always contiguous).
    public func view(_ newShape: [Int]) throws -> Tensor { try reshape(newShape) }

    /// Shares the buffer under `target` (already validated) and records `name`.
    func reshaped(_ target: [Int], name: GradFnName) -> Tensor {
        let source = shape
        return Tensor.makeResult(buffer: buffer, shape: target, dtype: dtype, inputs: [self], name: name) { g in
            [g.reshaped(source, name: .viewBackward0)]
        }
    }

    /// Dimensions `startDim ... endDim` merged into one (`ViewBackward0`).
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let s = try normalizeDim(startDim), e = try normalizeDim(endDim)
        guard s <= e else { throw TensorError.invalidArgument("flatten() has invalid args: start_dim cannot come after end_dim") }
        let merged = shape[s ... e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Removes every dimension of size 1 (`SqueezeBackward0`).
    public func squeeze() -> Tensor {
        reshaped(shape.filter { $0 != 1 }, name: .squeezeBackward0)
    }

    /// Removes dimension `dim` when its size is 1 (`SqueezeBackward1`); otherwise returns the same shape.
    public func squeeze(_ dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim)
        var s = shape
        if rank > 0, s[d] == 1 { s.remove(at: d) }
        return reshaped(s, name: .squeezeBackward1)
    }

    /// Inserts a dimension of size 1 at `dim` (`UnsqueezeBackward0`); `dim` ranges over `-rank-1 ... rank`.
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank + 1)
        var s = shape
        s.insert(1, at: d)
        return reshaped(s, name: .unsqueezeBackward0)
    }

    /// Dimensions reordered: output dim `i` is input dim `dims[i]` (`PermuteBackward0`).
    public func permute(_ dims: [Int]) throws -> Tensor {
        let order = try dims.map { try normalizeDim($0) }
        guard order.count == rank, Set(order).count == rank else {
            throw TensorError.invalidArgument("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return permuted(order, name: .permuteBackward0) { g in g.permuted(inverse, name: .permuteBackward0) }
    }

    /// Dimensions `dim0` and `dim1` swapped (`TransposeBackward0`).
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let a = try normalizeDim(dim0), b = try normalizeDim(dim1)
        if rank == 0 { return reshaped([], name: .transposeBackward0) }
        var order = Array(0 ..< rank)
        order.swapAt(a, b)
        return permuted(order, name: .transposeBackward0) { g in g.permuted(order, name: .transposeBackward0) }
    }

    /// The transpose of a tensor of rank ≤ 2 (`TBackward0`), as `x.t()` and the weight inside `linear`.
    public func t() throws -> Tensor {
        guard rank <= 2 else { throw TensorError.invalidArgument("t() expects a tensor with <= 2 dimensions, but self is \(rank)D") }
        if rank < 2 { return reshaped(shape, name: .tBackward0) }
        return permuted([1, 0], name: .tBackward0) { g in g.permuted([1, 0], name: .tBackward0) }
    }

    /// All dimensions reversed (`.T`, `PermuteBackward0`).
    public var T: Tensor {
        let order = Array((0 ..< rank).reversed())
        return permuted(order, name: .permuteBackward0) { g in g.permuted(order, name: .permuteBackward0) }
    }

    /// Engine tensors are always contiguous: returns `self`.
    public func contiguous() -> Tensor { self }

    /// Materialises the permutation `order`; with a `backward` rule, records it as `name`.
    func permuted(_ order: [Int], name: GradFnName, backward: ((Tensor) -> Tensor)? = nil) -> Tensor {
        let outShape = order.map { shape[$0] }
        let src = strides
        let st = order.map { src[$0] }
        let out = TensorBuffer(uninitializedCount: numel)
        let px = buffer.pointer, po = out.pointer
        if rank == 2 && order == [1, 0] {
            Tensor.transpose2D(px, po, rows: shape[0], cols: shape[1])
        } else {
            let inner = st.last ?? 1
            Broadcast.forEachRow(outShape, [st], cost: 1) { o, off, n in
                let x = px + off[0], y = po + o
                for j in 0 ..< n { y[j] = x[j * inner] }
            }
        }
        guard let backward else { return Tensor(buffer: out, shape: outShape, dtype: dtype) }
        return Tensor.makeResult(buffer: out, shape: outShape, dtype: dtype, inputs: [self], name: name) { g in [backward(g)] }
    }

    /// Cache-blocked transpose of a `rows × cols` matrix into `cols × rows`.
    static func transpose2D(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        let block = 32
        Parallel.forRanges((rows + block - 1) / block, cost: block * cols) { range in
            for rb in range {
                let r0 = rb * block, r1 = Swift.min(rows, r0 + block)
                var c0 = 0
                while c0 < cols {
                    let c1 = Swift.min(cols, c0 + block)
                    for r in r0 ..< r1 { for c in c0 ..< c1 { dst[c * rows + r] = src[r * cols + c] } }
                    c0 = c1
                }
            }
        }
    }
}
