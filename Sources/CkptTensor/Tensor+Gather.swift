/// Index-driven ops: gather, index_select, embedding. Index tensors hold whole numbers (`.int64`);
/// every index is range-checked before use, so a bad index throws instead of reading out of bounds.
extension Tensor {
    /// The element of `index` at `i` as a position in `0 ..< size`, or a thrown error.
    @inline(__always)
    static func position(_ index: Tensor, _ i: Int, size: Int, op: String) throws -> Int {
        let v = index.buffer.pointer[i]
        guard v == v.rounded(), v >= Float(-size), v < Float(size) else {
            throw TensorError.invalidArgument("\(op): index \(v) is out of bounds for dimension with size \(size)")
        }
        let p = Int(v)
        return p < 0 ? p + size : p
    }

    /// `out[i][j][k] = self[i][index[i][j][k]][k]` for `dim = 1`, and likewise for any dim (`GatherBackward0`).
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim)
        guard index.rank == rank, (0 ..< rank).allSatisfy({ $0 == d || index.shape[$0] <= shape[$0] }) else {
            throw TensorError.shapeMismatch("gather: index \(index.shape) does not fit input \(shape) outside dimension \(d)")
        }
        // Offsets into self for every index element, checked once, reused by backward.
        let offsets = try gatherOffsets(d, index)
        let out = TensorBuffer(uninitializedCount: index.numel)
        for i in 0 ..< index.numel { out.pointer[i] = buffer.pointer[offsets[i]] }
        let source = shape
        return Tensor.makeResult(buffer: out, shape: index.shape, dtype: dtype, inputs: [self], name: .gatherBackward0) { g in
            let r = TensorBuffer(repeating: 0, count: Tensor.count(source))
            for i in 0 ..< offsets.count { r.pointer[offsets[i]] += g.buffer.pointer[i] }
            return [Tensor(buffer: r, shape: source)]
        }
    }

    private func gatherOffsets(_ d: Int, _ index: Tensor) throws -> [Int] {
        let src = strides, ist = index.strides
        var offsets = [Int](repeating: 0, count: index.numel)
        for i in 0 ..< index.numel {
            var off = 0
            for k in 0 ..< rank {
                if k == d {
                    off += try Tensor.position(index, i, size: shape[d], op: "gather") * src[k]
                } else {
                    off += (i / ist[k]) % Swift.max(index.shape[k], 1) * src[k]
                }
            }
            offsets[i] = off
        }
        return offsets
    }

    /// The slices of `dim` at the positions in the 1-D `index` (`IndexSelectBackward0`).
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim)
        guard index.rank <= 1 else { throw TensorError.shapeMismatch("index_select(): Index is supposed to be a vector") }
        let (outer, size, inner) = try lanes(d)
        let picks = try (0 ..< index.numel).map { try Tensor.position(index, $0, size: size, op: "index_select") }
        var outShape = shape
        if rank > 0 { outShape[d] = picks.count }
        let out = TensorBuffer(uninitializedCount: outer * picks.count * inner)
        for o in 0 ..< outer {
            for (j, p) in picks.enumerated() {
                (out.pointer + (o * picks.count + j) * inner).update(from: buffer.pointer + (o * size + p) * inner, count: inner)
            }
        }
        let source = shape
        return Tensor.makeResult(buffer: out, shape: outShape, dtype: dtype, inputs: [self], name: .indexSelectBackward0) { g in
            let r = TensorBuffer(repeating: 0, count: Tensor.count(source))
            for o in 0 ..< outer {
                for (j, p) in picks.enumerated() {
                    let dst = r.pointer + (o * size + p) * inner, src = g.buffer.pointer + (o * picks.count + j) * inner
                    for k in 0 ..< inner { dst[k] += src[k] }
                }
            }
            return [Tensor(buffer: r, shape: source)]
        }
    }

    /// Rows of `weight` (`[num, dim]`) at `indices` (any shape) → `indices.shape + [dim]` (`EmbeddingBackward0`).
    /// Rows at `paddingIdx` receive no gradient, as in `nn.Embedding(padding_idx=)`.
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) throws -> Tensor {
        guard weight.rank == 2 else { throw TensorError.shapeMismatch("embedding: weight must be 2-D, got \(weight.shape)") }
        let (num, width) = (weight.shape[0], weight.shape[1])
        let rows = try (0 ..< indices.numel).map { i -> Int in
            let v = indices.buffer.pointer[i]
            guard v == v.rounded(), v >= 0, v < Float(num) else { throw TensorError.invalidArgument("index out of range in self (index \(v), \(num) embeddings)") }
            return Int(v)
        }
        let pad = paddingIdx.map { $0 < 0 ? $0 + num : $0 }
        let out = TensorBuffer(uninitializedCount: rows.count * width)
        if let stored = weight.buffer.storedElements {
            // A table kept in its checkpoint's dtype: only the looked-up rows are widened.
            withExtendedLifetime(weight.buffer) {
                for (i, r) in rows.enumerated() { stored.widen(from: r * width, count: width, into: out.pointer + i * width) }
            }
        } else {
            for (i, r) in rows.enumerated() { (out.pointer + i * width).update(from: weight.buffer.pointer + r * width, count: width) }
        }
        return makeResult(buffer: out, shape: indices.shape + [width], inputs: [weight], name: .embeddingBackward0) { g in
            let gw = TensorBuffer(repeating: 0, count: num * width)
            for (i, r) in rows.enumerated() where r != pad {
                let dst = gw.pointer + r * width, src = g.buffer.pointer + i * width
                for k in 0 ..< width { dst[k] += src[k] }
            }
            return [Tensor(buffer: gw, shape: [num, width])]
        }
    }
}
