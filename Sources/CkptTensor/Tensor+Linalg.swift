import CBLAS

/// Matrix products through OpenBLAS `cblas_sgemm`. Transposed operands are passed with transpose
/// flags, never copied; batch dims broadcast.
extension Tensor {
    /// `C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C`, row-major, on raw pointers.
    static func sgemm(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                      _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0 ..< m * n { c[i] = beta == 0 ? 0 : c[i] * beta }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), 1, a, blasint(transA ? m : k), b, blasint(transB ? k : n),
                    beta, c, blasint(n))
    }

    /// Throws unless every dimension fits OpenBLAS's 32-bit integers.
    static func checkBLAS(_ dims: Int...) throws {
        guard dims.allSatisfy({ $0 <= Int(Int32.max) }) else { throw TensorError.invalidArgument("matrix dimension exceeds 2^31-1") }
    }

    /// `op(a) · op(b)` for batched operands `[..., rows, cols]` whose batch dims broadcast; the result is
    /// `[batch..., m, n]`. `transA`/`transB` read the last two dims transposed.
    static func batchedProduct(_ a: Tensor, transA: Bool, _ b: Tensor, transB: Bool) throws -> (TensorBuffer, [Int]) {
        let ar = a.shape.count, br = b.shape.count
        let (m, ka) = transA ? (a.shape[ar - 1], a.shape[ar - 2]) : (a.shape[ar - 2], a.shape[ar - 1])
        let (kb, n) = transB ? (b.shape[br - 1], b.shape[br - 2]) : (b.shape[br - 2], b.shape[br - 1])
        guard ka == kb else {
            throw TensorError.matrixShapes(mat1: [m, ka], mat2: [kb, n])
        }
        try checkBLAS(m, n, ka)
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = try Broadcast.shape(batchA, batchB)
        let count = Tensor.count(batch)
        let out = TensorBuffer(uninitializedCount: try Tensor.checkedCount(batch + [m, n]))
        let sa = Broadcast.strides(of: batchA, to: batch), sb = Broadcast.strides(of: batchB, to: batch)
        let matA = m * ka, matB = ka * n
        // An operand kept in its checkpoint's dtype is widened for this product only (its tensor stays as stored).
        let bufferA = a.buffer.storedElements == nil ? a.buffer : a.buffer.copy()
        let bufferB = b.buffer.storedElements == nil ? b.buffer : b.buffer.copy()
        defer { withExtendedLifetime((bufferA, bufferB)) {} }
        var index = [Int](repeating: 0, count: batch.count)
        for i in 0 ..< count {
            var oa = 0, ob = 0, rest = i
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                index[d] = rest % batch[d]; rest /= batch[d]
                oa += index[d] * sa[d]; ob += index[d] * sb[d]
            }
            sgemm(bufferA.pointer + oa * matA, transA: transA, bufferB.pointer + ob * matB, transB: transB,
                  out.pointer + i * m * n, m: m, n: n, k: ka)
        }
        return (out, batch + [m, n])
    }

    /// Matrix product of 2-D tensors (`MmBackward0`).
    public func mm(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2 else { throw TensorError.shapeMismatch("mm: expected 2-D tensors, got \(shape) and \(other.shape)") }
        return try Tensor.product(self, other, name: .mmBackward0)
    }

    /// Batched product of 3-D tensors with equal batch sizes (`BmmBackward0`).
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard rank == 3, other.rank == 3, shape[0] == other.shape[0] else {
            throw TensorError.shapeMismatch("bmm: expected 3-D tensors with the same batch size, got \(shape) and \(other.shape)")
        }
        return try Tensor.product(self, other, name: .bmmBackward0)
    }

    /// `a · b` for operands of rank ≥ 2 with broadcast batch dims, recording `name`.
    static func product(_ a: Tensor, _ b: Tensor, name: GradFnName) throws -> Tensor {
        let (out, shape) = try batchedProduct(a, transA: false, b, transB: false)
        return makeResult(buffer: out, shape: shape, inputs: [a, b], name: name) { g in
            // dA = g · Bᵀ, dB = Aᵀ · g, summed over broadcast batch dims.
            var ga: Tensor?, gb: Tensor?
            if a.requiresGrad {
                let (d, s) = try batchedProduct(g, transA: false, b, transB: true)
                ga = try Tensor(buffer: d, shape: s).sumTo(a.shape)
            }
            if b.requiresGrad {
                let (d, s) = try batchedProduct(a, transA: true, g, transB: false)
                gb = try Tensor(buffer: d, shape: s).sumTo(b.shape)
            }
            return [ga, gb]
        }
    }

    /// `torch.matmul`: dot for 1-D·1-D, matrix-vector, and batched products with broadcasting.
    public func matmul(_ other: Tensor) throws -> Tensor {
        switch (rank, other.rank) {
        case (0, _), (_, 0):
            throw TensorError.shapeMismatch("both arguments to matmul need to be at least 1D, but they are \(rank)D and \(other.rank)D")
        case (1, 1):
            guard shape == other.shape else {
                throw TensorError.shapeMismatch("inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements")
            }
            return try Tensor.product(reshaped([1, shape[0]], name: .unsqueezeBackward0), other.reshaped([shape[0], 1], name: .unsqueezeBackward0), name: .dotBackward0)
                .reshaped([], name: .dotBackward0)
        case (2, 2):
            return try mm(other)
        case (1, _):
            let r = try Tensor.product(reshaped([1, shape[0]], name: .unsqueezeBackward0), other, name: .mmBackward0)
            var s = r.shape
            s.remove(at: s.count - 2)
            return r.reshaped(s, name: .squeezeBackward4)
        case (_, 1):
            let r = try Tensor.product(self, other.reshaped([other.shape[0], 1], name: .unsqueezeBackward0), name: .mvBackward0)
            return r.reshaped(Array(r.shape.dropLast()), name: rank == 2 ? .mvBackward0 : .unsafeViewBackward0)
        default:
            // PyTorch computes matrix · batch as a transposed product and ends with a contiguous copy.
            return try Tensor.product(self, other, name: rank == 2 ? .cloneBackward0 : .unsafeViewBackward0)
        }
    }

    /// `bias + mat1 · mat2` for 2-D matrices, bias broadcast over rows (`AddmmBackward0`).
    public static func addmm(_ bias: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws -> Tensor {
        guard mat1.rank == 2, mat2.rank == 2 else { throw TensorError.shapeMismatch("addmm: expected 2-D matrices, got \(mat1.shape) and \(mat2.shape)") }
        return try affine(mat1, weight: mat2, transposed: false, bias: bias, edges: nil)
    }

    /// `input · weightᵀ + bias` as `torch.nn.functional.linear`: weight `[out, in]`, input `[..., in]`.
    /// Recorded as PyTorch records it: `AddmmBackward0` with next functions (bias, input, `TBackward0`)
    /// — `MmBackward0` (input, `TBackward0`) without bias — under an `UnsafeViewBackward0` for inputs
    /// that are not 2-D. The weight is never copied: sgemm reads it transposed.
    public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard weight.rank == 2, rank >= 1, shape[rank - 1] == weight.shape[1] else {
            let rows = rank >= 1 ? numel / Swift.max(shape[rank - 1], 1) : 1
            throw TensorError.matrixShapes(mat1: [rows, shape.last ?? 1], mat2: weight.shape.reversed())
        }
        let input = rank == 2 ? self : reshaped([numel / Swift.max(shape[rank - 1], 1), shape[rank - 1]], name: .viewBackward0)
        // The affine node hands this TBackward0 the weight's gradient already in the weight's [out, in] layout
        // (one sgemm computes gᵀ·x), so the node passes it on instead of transposing a copy.
        let tNode: (GradFn?, Int) = weight.requiresGrad && Tensor.isGradEnabled
            ? (GradFn(name: .tBackward0, nextFunctions: [weight.gradEdge], apply: { g in [g] }), 0)
            : (nil, 0)
        let out = try Tensor.affine(input, weight: weight, transposed: true, bias: bias, edges: tNode)
        if rank == 2 { return out }
        return out.reshaped(Array(shape.dropLast()) + [weight.shape[0]], name: .unsafeViewBackward0)
    }

    /// `x · W (+ bias)`, W `[in, out]`, or `x · Wᵀ` when `transposed` (W `[out, in]`). With `edges` the
    /// weight's edge is that node (linear's `TBackward0`); the weight gradient is always in W's own layout.
    private static func affine(_ x: Tensor, weight w: Tensor, transposed: Bool, bias: Tensor?, edges tNode: (GradFn?, Int)?) throws -> Tensor {
        let rows = x.shape[0], k = x.shape[1]
        let (kw, n) = transposed ? (w.shape[1], w.shape[0]) : (w.shape[0], w.shape[1])
        guard k == kw else { throw TensorError.matrixShapes(mat1: [rows, k], mat2: [kw, n]) }
        try checkBLAS(rows, n, k)
        let out = TensorBuffer(uninitializedCount: rows * n)
        var beta: Float = 0
        if let bias {
            // The bias goes into the output first and sgemm adds the product onto it (beta = 1).
            if bias.rank <= 2, bias.numel == n, bias.shape.last == n {
                for r in 0 ..< rows { (out.pointer + r * n).update(from: bias.buffer.pointer, count: n) }
            } else {
                let filled = try Tensor.noGrad { try bias.expand([rows, n]) }
                out.pointer.update(from: filled.buffer.pointer, count: rows * n)
            }
            beta = 1
        }
        sgemm(x.buffer.pointer, weight: w.buffer, transposed: transposed, out.pointer, m: rows, n: n, k: k, beta: beta)
        let backward: (Tensor) throws -> [Tensor?] = { g in
            let gb = bias.flatMap { $0.requiresGrad ? try? g.sumTo($0.shape) : nil }
            var gx: Tensor?, gw: Tensor?
            if x.requiresGrad {
                let r = TensorBuffer(uninitializedCount: rows * k)
                sgemm(g.buffer.pointer, transA: false, w.buffer.pointer, transB: !transposed, r.pointer, m: rows, n: k, k: n)
                gx = Tensor(buffer: r, shape: [rows, k])
            }
            if w.requiresGrad {
                let r = TensorBuffer(uninitializedCount: k * n)
                if transposed {
                    // dW [out, in] = gᵀ · x.
                    sgemm(g.buffer.pointer, transA: true, x.buffer.pointer, transB: false, r.pointer, m: n, n: k, k: rows)
                    gw = Tensor(buffer: r, shape: [n, k])
                } else {
                    // dW [in, out] = xᵀ · g.
                    sgemm(x.buffer.pointer, transA: true, g.buffer.pointer, transB: false, r.pointer, m: k, n: n, k: rows)
                    gw = Tensor(buffer: r, shape: [k, n])
                }
            }
            return bias == nil ? [gx, gw] : [gb, gx, gw]
        }
        let inputs = [bias, x, w].compactMap { $0 }
        let name: GradFnName = bias == nil ? .mmBackward0 : .addmmBackward0
        guard let tNode else { return makeResult(buffer: out, shape: [rows, n], inputs: inputs, name: name, backward: backward) }
        var edges = [x.gradEdge, tNode]
        if let bias { edges.insert(bias.gradEdge, at: 0) }
        return makeResult(buffer: out, shape: [rows, n], inputs: inputs, edges: edges, name: name, backward: backward)
    }
}
