/// Subscripts and slices: `x[.all, -1, .all]`, `x[.slice(1, nil, step: 2)]`, select, narrow, and
/// in-place assignment for initialisers (`w[0, 0] = 42`).
extension Tensor {
    /// The view described by `indices`, materialised (`SelectBackward0` / `SliceBackward0` /
    /// `UnsqueezeBackward0`, after the last kind of index used).
    public subscript(_ indices: TensorIndex...) -> Tensor {
        get throws { try index(indices) }
    }

    /// How `indices` read this tensor: output shape, source strides per output dim, base offset.
    private func plan(_ indices: [TensorIndex]) throws -> (shape: [Int], strides: [Int], offset: Int, name: GradFnName) {
        let consuming = indices.filter { $0 != .newAxis && $0 != .ellipsis }.count
        guard indices.filter({ $0 == .ellipsis }).count <= 1 else { throw TensorError.invalidArgument("an index can only have a single ellipsis ('...')") }
        guard consuming <= rank else { throw TensorError.invalidArgument("too many indices for tensor of dimension \(rank)") }
        var expanded: [TensorIndex] = []
        for i in indices {
            if i == .ellipsis { expanded += Array(repeating: .all, count: rank - consuming) } else { expanded.append(i) }
        }
        if !indices.contains(.ellipsis) { expanded += Array(repeating: .all, count: rank - consuming) }
        let src = strides
        var outShape: [Int] = [], outStrides: [Int] = [], offset = 0, d = 0, name = GradFnName.aliasBackward0
        for i in expanded {
            switch i {
            case .at(let p):
                let size = shape[d]
                guard p >= -size, p < size else { throw TensorError.indexOutOfRange(index: p, dim: d, size: size) }
                offset += (p < 0 ? p + size : p) * src[d]
                name = .selectBackward0
                d += 1
            case .range(let start, let end, let step):
                guard step > 0 else { throw TensorError.invalidArgument("step must be greater than zero") }
                let (s, n) = TensorIndex.resolve(start: start, end: end, step: step, size: shape[d])
                offset += s * src[d]
                outShape.append(n); outStrides.append(src[d] * step)
                if n != shape[d] { name = .sliceBackward0 }
                d += 1
            case .newAxis:
                outShape.append(1); outStrides.append(0)
                name = .unsqueezeBackward0
            case .ellipsis:
                break
            }
        }
        return (outShape, outStrides, offset, name)
    }

    /// The tensor read through `indices` (the method form of the subscript).
    public func index(_ indices: [TensorIndex]) throws -> Tensor {
        let (outShape, st, offset, name) = try plan(indices)
        let out = TensorBuffer(uninitializedCount: Tensor.count(outShape))
        let px = buffer.pointer + offset, po = out.pointer
        let inner = st.last ?? 1
        Broadcast.forEachRow(outShape, [st], cost: 1) { o, off, n in
            for j in 0 ..< n { po[o + j] = px[off[0] + j * inner] }
        }
        let source = shape
        return Tensor.makeResult(buffer: out, shape: outShape, dtype: dtype, inputs: [self], name: name) { g in
            let r = TensorBuffer(repeating: 0, count: Tensor.count(source))
            let pr = r.pointer + offset, pg = g.buffer.pointer
            // Accumulate: a new axis never repeats elements, but stay safe for aliasing plans.
            Broadcast.forEachRow(outShape, [st], cost: 1) { o, off, n in
                for j in 0 ..< n { pr[off[0] + j * inner] += pg[o + j] }
            }
            return [Tensor(buffer: r, shape: source)]
        }
    }

    /// Writes `value` (broadcast) into the elements `indices` select, in place, outside autograd
    /// (`with torch.no_grad(): w[0, 0] = 42`). Throws, as PyTorch does, for a tensor that requires
    /// grad while grad mode is on.
    public func assign(_ indices: [TensorIndex], _ value: Tensor) throws {
        guard !(requiresGrad && Tensor.isGradEnabled) else {
            throw TensorError.autograd("a leaf Variable that requires grad is being used in an in-place operation.")
        }
        let (outShape, st, offset, _) = try plan(indices)
        let v = try value.expand(outShape)
        let px = buffer.pointer + offset, pv = v.buffer.pointer
        let inner = st.last ?? 1
        Broadcast.forEachRow(outShape, [st], cost: 1) { o, off, n in
            for j in 0 ..< n { px[off[0] + j * inner] = pv[o + j] }
        }
    }

    /// Writes the scalar `value` into the elements `indices` select, in place (see `assign(_:_:)`).
    public func assign(_ indices: [TensorIndex], _ value: Float) throws {
        try assign(indices, Tensor(scalar: value))
    }

    /// The slice at position `index` of `dim`, which disappears (`SelectBackward0`).
    public func select(dim: Int, index: Int) throws -> Tensor {
        let d = try normalizeDim(dim)
        var idx = [TensorIndex](repeating: .all, count: d)
        idx.append(.at(index))
        return try self.index(idx)
    }

    /// `length` positions of `dim` from `start` (`SliceBackward0`).
    public func narrow(dim: Int, start: Int, length: Int) throws -> Tensor {
        let d = try normalizeDim(dim)
        let s = start < 0 ? start + shape[d] : start
        guard s >= 0, length >= 0, s + length <= shape[d] else {
            throw TensorError.invalidArgument("start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])).")
        }
        var idx = [TensorIndex](repeating: .all, count: d)
        idx.append(.slice(s, s + length))
        return try self.index(idx)
    }
}
