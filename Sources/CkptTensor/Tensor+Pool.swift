import CkptCore

/// Pooling ops recorded for autograd with PyTorch's node names. 1-d pools run as the 2-d op between an
/// unsqueeze and a squeeze, exactly as PyTorch does, so the graph reads `SqueezeBackward1 →
/// MaxPool2DWithIndicesBackward0 → UnsqueezeBackward0`.
extension Tensor {
    /// `F.max_pool1d` on `[N, C, L]` or `[C, L]`; `stride` defaults to the kernel size.
    public func maxPool1d(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
                          ceilMode: Bool = false) throws -> Tensor {
        try maxPool1dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                 ceilMode: ceilMode).output
    }

    /// `F.max_pool2d` on `[N, C, H, W]` or `[C, H, W]` (`MaxPool2DWithIndicesBackward0`).
    public func maxPool2d(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
                          ceilMode: Bool = false) throws -> Tensor {
        try maxPool(dims: 2, kernelSize, stride, padding, dilation, ceilMode, wantIndices: false).output
    }

    /// `F.max_pool3d` on `[N, C, D, H, W]` or `[C, D, H, W]` (`MaxPool3DWithIndicesBackward0`).
    public func maxPool3d(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
                          ceilMode: Bool = false) throws -> Tensor {
        try maxPool(dims: 3, kernelSize, stride, padding, dilation, ceilMode, wantIndices: false).output
    }

    /// `max_pool1d(..., return_indices=True)`: indices are `.int64` positions within each plane.
    public func maxPool1dWithIndices(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                     dilation: [Int] = [1], ceilMode: Bool = false) throws -> (output: Tensor, indices: Tensor) {
        let x = try liftedTo2d(op: "max_pool1d")
        let r = try x.maxPool(dims: 2, [1] + (try spatialList(kernelSize, 1, "kernel_size")),
                              stride.map { [1] + (try spatialList($0, 1, "stride")) },
                              [0] + (try spatialList(padding, 1, "padding")),
                              [1] + (try spatialList(dilation, 1, "dilation")), ceilMode)
        let output = r.output.droppingLifted()
        return (output, Tensor(buffer: r.indices.buffer, shape: output.shape, dtype: .int64))
    }

    /// `max_pool2d(..., return_indices=True)`.
    public func maxPool2dWithIndices(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                     dilation: [Int] = [1], ceilMode: Bool = false) throws -> (output: Tensor, indices: Tensor) {
        try maxPool(dims: 2, kernelSize, stride, padding, dilation, ceilMode)
    }

    /// `max_pool3d(..., return_indices=True)`.
    public func maxPool3dWithIndices(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                     dilation: [Int] = [1], ceilMode: Bool = false) throws -> (output: Tensor, indices: Tensor) {
        try maxPool(dims: 3, kernelSize, stride, padding, dilation, ceilMode)
    }

    func maxPool(dims: Int, _ kernelSize: [Int], _ stride: [Int]?, _ padding: [Int], _ dilation: [Int],
                 _ ceilMode: Bool) throws -> (output: Tensor, indices: Tensor) {
        let r = try maxPool(dims: dims, kernelSize, stride, padding, dilation, ceilMode, wantIndices: true)
        guard let indices = r.indices else { preconditionFailure("maxPool(wantIndices: true) returned no indices") }
        return (r.output, indices)
    }

    /// Max pooling; the indices are computed only when asked for or needed by the backward pass.
    func maxPool(dims: Int, _ kernelSize: [Int], _ stride: [Int]?, _ padding: [Int], _ dilation: [Int],
                 _ ceilMode: Bool, wantIndices: Bool) throws -> (output: Tensor, indices: Tensor?) {
        let (lead, spatial) = try poolSplit(dims: dims, op: "max_pool\(dims)d")
        let geo = try kernelCall {
            try PoolGeometry(planes: lead.reduce(1, *), inputSize: spatial,
                             kernelSize: try spatialList(kernelSize, dims, "kernel_size"),
                             stride: try stride.map { try spatialList($0, dims, "stride") },
                             padding: try spatialList(padding, dims, "padding"),
                             dilation: try spatialList(dilation, dims, "dilation"), ceilMode: ceilMode)
        }
        let out = TensorBuffer(uninitializedCount: geo.outputCount)
        let shape = lead + geo.outputSize, inputShape = self.shape
        guard wantIndices || (requiresGrad && Tensor.isGradEnabled) else {
            MaxPoolKernel.forward(geo, input: buffer.pointer, output: out.pointer, indices: nil)
            return (Tensor(buffer: out, shape: shape), nil)
        }
        var idx = [Int](repeating: 0, count: geo.outputCount)
        MaxPoolKernel.forward(geo, input: buffer.pointer, output: out.pointer, indices: &idx)
        let output = Tensor.makeResult(buffer: out, shape: shape, inputs: [self],
                                       name: .maxPool(dims: dims)) { g in
            let gx = TensorBuffer(uninitializedCount: geo.inputCount)
            MaxPoolKernel.backward(geo, gradOutput: g.buffer.pointer, indices: idx, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
        guard wantIndices else { return (output, nil) }
        let indices = TensorBuffer(uninitializedCount: idx.count)
        for i in idx.indices { indices.pointer[i] = Float(idx[i]) }
        return (output, Tensor(buffer: indices, shape: shape, dtype: .int64))
    }

    /// `F.max_unpool2d`: places each value at its plane index in a zero `[N, C, H, W]` of `outputSize`
    /// (default `(in - 1)·stride - 2·padding + kernel`) (`MaxUnpool2DBackward0`).
    public func maxUnpool2d(indices: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                            outputSize: [Int]? = nil) throws -> Tensor {
        try maxUnpool(dims: 2, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding,
                      outputSize: outputSize)
    }

    /// `F.max_unpool3d` (`MaxUnpool3DBackward0`).
    public func maxUnpool3d(indices: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                            outputSize: [Int]? = nil) throws -> Tensor {
        try maxUnpool(dims: 3, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding,
                      outputSize: outputSize)
    }

    func maxUnpool(dims: Int, indices: Tensor, kernelSize: [Int], stride: [Int]?, padding: [Int],
                   outputSize: [Int]?) throws -> Tensor {
        let (lead, spatial) = try poolSplit(dims: dims, op: "max_unpool\(dims)d")
        guard indices.shape == shape else {
            throw TensorError.shapeMismatch("Expected shape of indices to be same as that of the input tensor (\(shape)) but got indices tensor with shape: \(indices.shape)")
        }
        let k = try spatialList(kernelSize, dims, "kernel_size")
        let s = try spatialList(stride ?? k, dims, "stride"), p = try spatialList(padding, dims, "padding")
        guard (k + s + p).allSatisfy({ $0 >= 0 && $0 <= kernelElementLimit }) else {
            throw TensorError.invalidArgument("max_unpool\(dims)d: invalid kernel_size, stride or padding")
        }
        var size = (0..<dims).map { d -> Int in (spatial[d] - 1) * s[d] + k[d] - 2 * p[d] }
        if let outputSize { size = Array(outputSize.suffix(dims)) }
        guard size.count == dims, size.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument("max_unpool\(dims)d: invalid output size \(size)")
        }
        _ = try kernelCall { try checkedProduct(lead + size, "max_unpool\(dims)d output") }
        let outPlane = try kernelCall { try checkedProduct(size, "max_unpool\(dims)d output plane") }
        let planes = lead.reduce(1, *), inPlane = spatial.reduce(1, *)
        var idx = [Int](repeating: 0, count: indices.numel)
        let ip = indices.buffer.pointer
        for i in 0..<idx.count {
            guard ip[i].isFinite, abs(ip[i]) < 1e15 else {
                throw TensorError.invalidArgument("Found an invalid max index: \(ip[i])")
            }
            idx[i] = Int(ip[i])
        }
        let out = TensorBuffer(uninitializedCount: planes * outPlane)
        try kernelCall {
            try MaxPoolKernel.unpool(planes: planes, inputPlane: inPlane, outputPlane: outPlane, input: buffer.pointer,
                                     indices: idx, output: out.pointer)
        }
        let inputShape = self.shape
        return Tensor.makeResult(buffer: out, shape: lead + size, inputs: [self], name: .maxUnpool(dims: dims)) { g in
            let gx = TensorBuffer(uninitializedCount: planes * inPlane)
            MaxPoolKernel.unpoolBackward(planes: planes, inputPlane: inPlane, outputPlane: outPlane,
                                         gradOutput: g.buffer.pointer, indices: idx, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }

    /// Splits the shape into leading (batch, channel) dims and `dims` spatial dims; accepts the batched
    /// and unbatched ranks (`dims + 2`, `dims + 1`).
    func poolSplit(dims: Int, op: String) throws -> ([Int], [Int]) {
        guard dtype == .float32 else { throw TensorError.dtype("\(op) expects a float input, got \(dtype)") }
        guard rank == dims + 1 || rank == dims + 2 else {
            throw TensorError.shapeMismatch("\(op): Expected \(dims + 1)D or \(dims + 2)D input, but got \(shape)")
        }
        return (Array(shape.dropLast(dims)), Array(shape.suffix(dims)))
    }

    /// A 1-d pooling input with a unit height inserted before its last dim (`UnsqueezeBackward0`).
    func liftedTo2d(op: String) throws -> Tensor {
        guard rank == 2 || rank == 3 else {
            throw TensorError.shapeMismatch("\(op): Expected 2D or 3D input, but got \(shape)")
        }
        var s = shape
        s.insert(1, at: rank - 1)
        return spatialReshaped(s, name: .unsqueezeBackward0)
    }

    /// Removes the unit height `liftedTo2d` inserted (`SqueezeBackward1`).
    func droppingLifted() -> Tensor {
        var s = shape
        s.remove(at: rank - 2)
        return spatialReshaped(s, name: .squeezeBackward1)
    }
}
