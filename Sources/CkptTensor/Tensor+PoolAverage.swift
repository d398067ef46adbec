import CkptCore

/// Average and adaptive pooling recorded for autograd (`AvgPool2DBackward0`,
/// `AdaptiveAvgPool2DBackward0`, `AdaptiveMaxPool2DBackward0`, …); 1-d variants go through the 2-d op.
extension Tensor {
    /// `F.avg_pool1d` on `[N, C, L]` or `[C, L]`.
    public func avgPool1d(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
                          countIncludePad: Bool = true) throws -> Tensor {
        let x = try liftedTo2d(op: "avg_pool1d")
        return try x.avgPool(dims: 2, [1] + (try spatialList(kernelSize, 1, "kernel_size")),
                             stride.map { [1] + (try spatialList($0, 1, "stride")) },
                             [0] + (try spatialList(padding, 1, "padding")), ceilMode, countIncludePad, nil)
            .droppingLifted()
    }

    /// `F.avg_pool2d` on `[N, C, H, W]` or `[C, H, W]` (`AvgPool2DBackward0`).
    public func avgPool2d(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
                          countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        try avgPool(dims: 2, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)
    }

    /// `F.avg_pool3d` on `[N, C, D, H, W]` or `[C, D, H, W]` (`AvgPool3DBackward0`).
    public func avgPool3d(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
                          countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        try avgPool(dims: 3, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)
    }

    func avgPool(dims: Int, _ kernelSize: [Int], _ stride: [Int]?, _ padding: [Int], _ ceilMode: Bool,
                 _ countIncludePad: Bool, _ divisorOverride: Int?) throws -> Tensor {
        let (lead, spatial) = try poolSplit(dims: dims, op: "avg_pool\(dims)d")
        let options = AvgPoolKernel.Options(countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        let geo = try kernelCall {
            let g = try PoolGeometry(planes: lead.reduce(1, *), inputSize: spatial,
                                     kernelSize: try spatialList(kernelSize, dims, "kernel_size"),
                                     stride: try stride.map { try spatialList($0, dims, "stride") },
                                     padding: try spatialList(padding, dims, "padding"), ceilMode: ceilMode)
            try AvgPoolKernel.validate(g, options)
            return g
        }
        let out = TensorBuffer(uninitializedCount: geo.outputCount)
        AvgPoolKernel.forward(geo, options, input: buffer.pointer, output: out.pointer)
        let inputShape = shape
        return Tensor.makeResult(buffer: out, shape: lead + geo.outputSize, inputs: [self],
                                 name: .avgPool(dims: dims)) { g in
            let gx = TensorBuffer(uninitializedCount: geo.inputCount)
            AvgPoolKernel.backward(geo, options, gradOutput: g.buffer.pointer, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }

    /// `F.adaptive_avg_pool1d`.
    public func adaptiveAvgPool1d(outputSize: Int) throws -> Tensor {
        try liftedTo2d(op: "adaptive_avg_pool1d").adaptiveAvgPool(dims: 2, [1, outputSize]).droppingLifted()
    }

    /// `F.adaptive_avg_pool2d`; a `[1, 1]` output is a mean over the plane (`MeanBackward1`), as in PyTorch.
    public func adaptiveAvgPool2d(outputSize: [Int]) throws -> Tensor {
        try adaptiveAvgPool(dims: 2, try spatialList(outputSize, 2, "output_size"))
    }

    /// `F.adaptive_avg_pool3d`.
    public func adaptiveAvgPool3d(outputSize: [Int]) throws -> Tensor {
        try adaptiveAvgPool(dims: 3, try spatialList(outputSize, 3, "output_size"))
    }

    func adaptiveAvgPool(dims: Int, _ size: [Int]) throws -> Tensor {
        let (lead, spatial) = try poolSplit(dims: dims, op: "adaptive_avg_pool\(dims)d")
        let planes = lead.reduce(1, *), inCount = numel
        let outCount = try kernelCall { try checkedProduct(lead + size, "adaptive_avg_pool\(dims)d output") }
        let out = TensorBuffer(uninitializedCount: outCount)
        try kernelCall {
            try AdaptivePoolKernel.avgForward(planes: planes, inputSize: spatial, outputSize: size,
                                              input: buffer.pointer, output: out.pointer)
        }
        let inputShape = shape
        let name: GradFnName = dims == 2 && size == [1, 1] ? .meanBackward1 : .adaptiveAvgPool(dims: dims)
        return Tensor.makeResult(buffer: out, shape: lead + size, inputs: [self], name: name) { g in
            let gx = TensorBuffer(uninitializedCount: inCount)
            try AdaptivePoolKernel.avgBackward(planes: planes, inputSize: spatial, outputSize: size,
                                               gradOutput: g.buffer.pointer, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }

    /// `F.adaptive_max_pool1d(..., return_indices=True)`.
    public func adaptiveMaxPool1dWithIndices(outputSize: Int) throws -> (output: Tensor, indices: Tensor) {
        let r = try liftedTo2d(op: "adaptive_max_pool1d").adaptiveMaxPool(dims: 2, [1, outputSize])
        let output = r.output.droppingLifted()
        return (output, Tensor(buffer: r.indices.buffer, shape: output.shape, dtype: .int64))
    }

    /// `F.adaptive_max_pool2d` (`AdaptiveMaxPool2DBackward0`).
    public func adaptiveMaxPool2d(outputSize: [Int]) throws -> Tensor {
        try adaptiveMaxPool(dims: 2, try spatialList(outputSize, 2, "output_size")).output
    }

    /// `F.adaptive_max_pool2d(..., return_indices=True)`.
    public func adaptiveMaxPool2dWithIndices(outputSize: [Int]) throws -> (output: Tensor, indices: Tensor) {
        try adaptiveMaxPool(dims: 2, try spatialList(outputSize, 2, "output_size"))
    }

    /// `F.adaptive_max_pool3d(..., return_indices=True)`.
    public func adaptiveMaxPool3dWithIndices(outputSize: [Int]) throws -> (output: Tensor, indices: Tensor) {
        try adaptiveMaxPool(dims: 3, try spatialList(outputSize, 3, "output_size"))
    }

    func adaptiveMaxPool(dims: Int, _ size: [Int]) throws -> (output: Tensor, indices: Tensor) {
        let (lead, spatial) = try poolSplit(dims: dims, op: "adaptive_max_pool\(dims)d")
        let planes = lead.reduce(1, *), inCount = numel
        let outCount = try kernelCall { try checkedProduct(lead + size, "adaptive_max_pool\(dims)d output") }
        let out = TensorBuffer(uninitializedCount: outCount)
        var idx = [Int](repeating: 0, count: outCount)
        try kernelCall {
            try AdaptivePoolKernel.maxForward(planes: planes, inputSize: spatial, outputSize: size,
                                              input: buffer.pointer, output: out.pointer, indices: &idx)
        }
        let inputShape = shape
        let output = Tensor.makeResult(buffer: out, shape: lead + size, inputs: [self],
                                       name: .adaptiveMaxPool(dims: dims)) { g in
            let gx = TensorBuffer(uninitializedCount: inCount)
            AdaptivePoolKernel.maxBackward(planes: planes, inputSize: spatial, outputSize: size,
                                           gradOutput: g.buffer.pointer, indices: idx, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
        return (output, Tensor(buffer: TensorBuffer(idx.map { Float($0) }), shape: lead + size, dtype: .int64))
    }
}
