/// Joining and splitting along a dim: cat, stack, split, chunk, unbind.
extension Tensor {
    /// Tensors joined along `dim` (`CatBackward0`); all other dims must match.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("torch.cat(): expected a non-empty list of Tensors") }
        let d = try first.normalizeDim(dim)
        guard first.rank > 0 else { throw TensorError.invalidArgument("zero-dimensional tensor cannot be concatenated") }
        for t in tensors {
            guard t.rank == first.rank, (0 ..< t.rank).allSatisfy({ $0 == d || t.shape[$0] == first.shape[$0] }) else {
                throw TensorError.shapeMismatch("Sizes of tensors must match except in dimension \(d). Expected \(first.shape), got \(t.shape)")
            }
        }
        return join(tensors, dim: d, shapes: tensors.map(\.shape), name: .catBackward0)
    }

    /// Tensors of one shape stacked along a new dim `dim` (`StackBackward0`).
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("stack expects a non-empty TensorList") }
        let d = try normalizeDim(dim, rank: first.rank + 1)
        for t in tensors where t.shape != first.shape {
            throw TensorError.shapeMismatch("stack expects each tensor to be equal size, but got \(first.shape) at entry 0 and \(t.shape)")
        }
        var s = first.shape
        s.insert(1, at: d)
        return join(tensors, dim: d, shapes: Array(repeating: s, count: tensors.count), name: .stackBackward0)
    }

    /// Copies `tensors` (viewed with `shapes`) side by side along `dim`.
    private static func join(_ tensors: [Tensor], dim d: Int, shapes: [[Int]], name: GradFnName) -> Tensor {
        var outShape = shapes[0]
        outShape[d] = shapes.map { $0[d] }.reduce(0, +)
        let outer = outShape[..<d].reduce(1, *), inner = outShape[(d + 1)...].reduce(1, *)
        let out = TensorBuffer(uninitializedCount: count(outShape))
        let rowLength = outShape[d] * inner
        var at = 0
        for (t, s) in zip(tensors, shapes) {
            let block = s[d] * inner
            for o in 0 ..< outer {
                (out.pointer + o * rowLength + at).update(from: t.buffer.pointer + o * block, count: block)
            }
            at += block
        }
        let sizes = shapes.map { $0[d] }
        let allInts = tensors.allSatisfy { $0.dtype == .int64 }
        return makeResult(buffer: out, shape: outShape, dtype: allInts ? .int64 : .float32, inputs: tensors, name: name) { g in
            var start = 0
            return try zip(tensors, sizes).map { t, n in
                defer { start += n }
                guard t.requiresGrad else { return nil }
                return try g.narrow(dim: d, start: start, length: n).reshape(t.shape)
            }
        }
    }

    /// Pieces of `size` along `dim` (the last may be shorter) (`SplitBackward0`).
    public func split(_ size: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim)
        guard size > 0 || shape[d] == 0 else { throw TensorError.invalidArgument("split_size can only be 0 if dimension size is 0, but got dimension size of \(shape[d])") }
        if shape[d] == 0 { return [self] }
        try Self.checkPieceCount((shape[d] + size - 1) / size, "split")
        let sizes = stride(from: 0, to: shape[d], by: size).map { Swift.min(size, shape[d] - $0) }
        return try split(sizes: sizes, dim: d, name: .splitBackward0)
    }

    /// Pieces of the given `sizes` along `dim`, which must add up to its length (`SplitWithSizesBackward0`).
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        try split(sizes: sizes, dim: dim, name: .splitWithSizesBackward0)
    }

    private func split(sizes: [Int], dim: Int, name: GradFnName) throws -> [Tensor] {
        let d = try normalizeDim(dim)
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[d] else {
            throw TensorError.shapeMismatch("split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(sizes)")
        }
        try Self.checkPieceCount(sizes.count, "split")
        return pieces(sizes: sizes, dim: d, keepDim: true, name: name)
    }

    /// The slices along `dim`, which disappears, as `torch.unbind` (`UnbindBackward0`, one node for all of them: its
    /// backward writes each slice's gradient into one tensor, as PyTorch's `stack`s them).
    public func unbind(dim: Int = 0) throws -> [Tensor] {
        guard rank > 0 else { throw TensorError.invalidArgument("Dimension specified as 0 but tensor has no dimensions") }
        let d = try normalizeDim(dim)
        try Self.checkPieceCount(shape[d], "unbind")
        return pieces(sizes: Array(repeating: 1, count: shape[d]), dim: d, keepDim: false, name: .unbindBackward0)
    }

    /// Throws when an op would return more tensors than `EngineLimits.maxPieces`: a dim of a million slices of
    /// nothing (`zeros(1000000000, 0).unbind()`, `chunk` of an empty dim) allocates no elements, only tensors.
    private static func checkPieceCount(_ count: Int, _ op: String) throws {
        let limit = EngineContext.current.limits.maxPieces
        guard count <= limit else { throw TensorError.invalidArgument("\(op) would return \(count) tensors, more than ckpt's limit of \(limit)") }
    }

    /// Consecutive pieces of `sizes` along `d` (without that dim when not `keepDim`: then every size is 1), copied
    /// out, under one `MultiOutputGradFn` whose backward assembles the input's gradient once, zeros where no piece's
    /// gradient arrived.
    private func pieces(sizes: [Int], dim d: Int, keepDim: Bool, name: GradFnName) -> [Tensor] {
        let outer = shape[..<d].reduce(1, *), inner = shape[(d + 1)...].reduce(1, *), row = shape[d] * inner
        let source = shape
        var starts: [Int] = [], at = 0
        for n in sizes { starts.append(at); at += n }
        let pieces = zip(starts, sizes).map { start, n in
            let out = TensorBuffer(uninitializedCount: outer * n * inner)
            for o in 0 ..< outer {
                (out.pointer + o * n * inner).update(from: buffer.pointer + o * row + start * inner, count: n * inner)
            }
            var s = source
            if keepDim { s[d] = n } else { s.remove(at: d) }
            return Tensor(buffer: out, shape: s, dtype: dtype)
        }
        guard Tensor.isGradEnabled, dtype == .float32, requiresGrad else { return pieces }
        let node = MultiOutputGradFn(name: name, nextFunctions: [gradEdge], outputCount: pieces.count) { grads in
            let r = TensorBuffer(uninitializedCount: Tensor.count(source))
            for (i, (start, n)) in zip(starts, sizes).enumerated() {
                for o in 0 ..< outer {
                    let target = r.pointer + o * row + start * inner
                    if let g = grads[i] { target.update(from: g.buffer.pointer + o * n * inner, count: n * inner) } else { target.update(repeating: 0, count: n * inner) }
                }
            }
            return [Tensor(buffer: r, shape: source)]
        }
        for (i, p) in pieces.enumerated() {
            p.requiresGrad = true
            p.gradFn = node
            p.outputNr = i
        }
        return pieces
    }

    /// `chunks` nearly equal pieces along `dim` (each `ceil(n / chunks)` long, as PyTorch; maybe fewer pieces; `chunks`
    /// empty ones from a dim of length 0).
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw TensorError.invalidArgument("chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        let d = try normalizeDim(dim)
        // A dim of length 0 gives `chunks` empty pieces, as ATen's chunk does (split would give one).
        if shape[d] == 0 {
            try Self.checkPieceCount(chunks, "chunk")
            return try split(sizes: Array(repeating: 0, count: chunks), dim: d)
        }
        return try split((shape[d] + chunks - 1) / chunks, dim: d)
    }

    /// This tensor with its node renamed (for ops built from another op's kernel).
    func renamed(_ name: GradFnName) -> Tensor {
        guard let fn = gradFn, !(fn is MultiOutputGradFn) else { return self }
        gradFn = GradFn(name: name, nextFunctions: fn.nextFunctions, apply: fn.apply)
        return self
    }
}
