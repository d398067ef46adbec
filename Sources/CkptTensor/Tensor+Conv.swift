import CkptCore

/// Convolutions (`conv1d`/`conv2d`/`conv3d`, `conv_transpose1d/2d/3d`) recorded for autograd as
/// PyTorch's `ConvolutionBackward0`, over the im2col + GEMM kernels of `Kernels/`.
extension Tensor {
    /// `F.conv1d`: input `[N, C, L]` (or unbatched `[C, L]`), weight `[O, C / groups, k]`.
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: ConvPadding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(dims: 1, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                        groups: groups)
    }

    /// `F.conv2d`: input `[N, C, H, W]` (or `[C, H, W]`), weight `[O, C / groups, kh, kw]`. One-element
    /// lists apply to every spatial dim, as PyTorch's ints do.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: ConvPadding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(dims: 2, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                        groups: groups)
    }

    /// `F.conv3d`: input `[N, C, D, H, W]` (or `[C, D, H, W]`), weight `[O, C / groups, kd, kh, kw]`.
    public func conv3d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: ConvPadding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(dims: 3, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                        groups: groups)
    }

    /// `F.conv_transpose1d`: input `[N, C, L]`, weight `[C, O / groups, k]`.
    public func convTranspose1d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
                                outputPadding: [Int] = [0], groups: Int = 1, dilation: [Int] = [1]) throws -> Tensor {
        try transposedConvolution(dims: 1, weight: weight, bias: bias, stride: stride, padding: padding,
                                  outputPadding: outputPadding, groups: groups, dilation: dilation)
    }

    /// `F.conv_transpose2d`: input `[N, C, H, W]`, weight `[C, O / groups, kh, kw]`.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
                                outputPadding: [Int] = [0], groups: Int = 1, dilation: [Int] = [1]) throws -> Tensor {
        try transposedConvolution(dims: 2, weight: weight, bias: bias, stride: stride, padding: padding,
                                  outputPadding: outputPadding, groups: groups, dilation: dilation)
    }

    /// `F.conv_transpose3d`: input `[N, C, D, H, W]`, weight `[C, O / groups, kd, kh, kw]`.
    public func convTranspose3d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
                                outputPadding: [Int] = [0], groups: Int = 1, dilation: [Int] = [1]) throws -> Tensor {
        try transposedConvolution(dims: 3, weight: weight, bias: bias, stride: stride, padding: padding,
                                  outputPadding: outputPadding, groups: groups, dilation: dilation)
    }

    func convolution(dims: Int, weight: Tensor, bias: Tensor?, stride: [Int], padding: ConvPadding,
                     dilation: [Int], groups: Int) throws -> Tensor {
        let op = "conv\(dims)d"
        let (x, unbatched) = try spatialBatched(dims: dims, op: op)
        try weight.requireSpatialFloat(rank: dims + 2, op: "\(op) weight")
        let channelsPerGroup = weight.shape[1]
        guard x.shape[1] == channelsPerGroup * groups else {
            throw TensorError.shapeMismatch("Given groups=\(groups), weight of size \(weight.shape), expected input\(x.shape) to have \(channelsPerGroup * groups) channels, but got \(x.shape[1]) channels instead")
        }
        if let bias { try bias.requireVector(weight.shape[0], op: "\(op) bias") }
        let pad: ConvPadding
        if case .explicit(let p) = padding { pad = .explicit(try spatialList(p, dims, "padding")) } else { pad = padding }
        let geo = try kernelCall {
            try ConvGeometry(batch: x.shape[0], inChannels: x.shape[1], outChannels: weight.shape[0], groups: groups,
                             inputSize: Array(x.shape.dropFirst(2)), kernelSize: Array(weight.shape.dropFirst(2)),
                             stride: try spatialList(stride, dims, "stride"), padding: pad,
                             dilation: try spatialList(dilation, dims, "dilation"))
        }
        let out = TensorBuffer(uninitializedCount: geo.outputCount)
        ConvKernel.forward(geo, input: x.buffer.pointer, weight: weight.buffer.pointer, bias: bias?.buffer.pointer,
                           output: out.pointer)
        let result = Tensor.makeResult(buffer: out, shape: geo.outputShape, inputs: [x, weight, bias ?? .absentInput],
                                       name: .convolutionBackward0) { g in
            let gx = x.requiresGrad ? TensorBuffer(uninitializedCount: geo.inputCount) : nil
            let gw = weight.requiresGrad ? TensorBuffer(uninitializedCount: geo.weightCount) : nil
            let gb = bias?.requiresGrad == true ? TensorBuffer(uninitializedCount: geo.outChannels) : nil
            ConvKernel.backward(geo, input: x.buffer.pointer, weight: weight.buffer.pointer,
                                gradOutput: g.buffer.pointer, gradInput: gx?.pointer, gradWeight: gw?.pointer,
                                gradBias: gb?.pointer)
            return [gx.map { Tensor(buffer: $0, shape: x.shape) }, gw.map { Tensor(buffer: $0, shape: weight.shape) },
                    gb.map { Tensor(buffer: $0, shape: [geo.outChannels]) }]
        }
        return unbatched ? result.spatialReshaped(Array(result.shape.dropFirst()), name: .squeezeBackward1) : result
    }

    func transposedConvolution(dims: Int, weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int],
                               outputPadding: [Int], groups: Int, dilation: [Int]) throws -> Tensor {
        let op = "conv_transpose\(dims)d"
        let (x, unbatched) = try spatialBatched(dims: dims, op: op)
        try weight.requireSpatialFloat(rank: dims + 2, op: "\(op) weight")
        guard x.shape[1] == weight.shape[0], groups >= 1 else {
            throw TensorError.shapeMismatch("Given transposed=1, weight of size \(weight.shape), expected input\(x.shape) to have \(weight.shape[0]) channels, but got \(x.shape[1]) channels instead")
        }
        let outChannels = weight.shape[1] * groups
        if let bias { try bias.requireVector(outChannels, op: "\(op) bias") }
        let geo = try kernelCall {
            try ConvGeometry.transposed(batch: x.shape[0], inChannels: x.shape[1], outChannels: outChannels,
                                        groups: groups, inputSize: Array(x.shape.dropFirst(2)),
                                        kernelSize: Array(weight.shape.dropFirst(2)),
                                        stride: try spatialList(stride, dims, "stride"),
                                        padding: try spatialList(padding, dims, "padding"),
                                        outputPadding: try spatialList(outputPadding, dims, "output_padding"),
                                        dilation: try spatialList(dilation, dims, "dilation"))
        }
        let out = TensorBuffer(uninitializedCount: geo.inputCount)
        ConvTransposeKernel.forward(geo, input: x.buffer.pointer, weight: weight.buffer.pointer,
                                    bias: bias?.buffer.pointer, output: out.pointer)
        let shape = [geo.batch, geo.inChannels] + geo.inputSize
        let result = Tensor.makeResult(buffer: out, shape: shape, inputs: [x, weight, bias ?? .absentInput],
                                       name: .convolutionBackward0) { g in
            let gx = x.requiresGrad ? TensorBuffer(uninitializedCount: geo.outputCount) : nil
            let gw = weight.requiresGrad ? TensorBuffer(uninitializedCount: geo.weightCount) : nil
            let gb = bias?.requiresGrad == true ? TensorBuffer(uninitializedCount: geo.inChannels) : nil
            ConvTransposeKernel.backward(geo, input: x.buffer.pointer, weight: weight.buffer.pointer,
                                         gradOutput: g.buffer.pointer, gradInput: gx?.pointer,
                                         gradWeight: gw?.pointer, gradBias: gb?.pointer)
            return [gx.map { Tensor(buffer: $0, shape: x.shape) }, gw.map { Tensor(buffer: $0, shape: weight.shape) },
                    gb.map { Tensor(buffer: $0, shape: [geo.inChannels]) }]
        }
        return unbatched ? result.spatialReshaped(Array(result.shape.dropFirst()), name: .squeezeBackward1) : result
    }
}

// MARK: - Shared plumbing of the spatial ops

extension Tensor {
    /// The stand-in for an absent optional input (a missing bias or affine weight): its edge is
    /// `(nil, 0)`, as PyTorch lists `None` in `next_functions`.
    static var absentInput: Tensor { Tensor(buffer: TensorBuffer(uninitializedCount: 0), shape: [0]) }

    /// Runs kernel setup, reporting its `KernelError` as `TensorError.kernel`.
    func kernelCall<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as KernelError {
            throw TensorError.kernel(error)
        }
    }

    /// Shares the buffer under `target` and records the reshape as `name` (`UnsqueezeBackward0`,
    /// `SqueezeBackward1`), so 1-d ops built on 2-d ones show PyTorch's chain.
    func spatialReshaped(_ target: [Int], name: GradFnName) -> Tensor {
        let source = shape
        return Tensor.makeResult(buffer: buffer, shape: target, dtype: dtype, inputs: [self], name: name) { g in
            [Tensor(buffer: g.buffer, shape: source)]
        }
    }

    /// The input as `[N, C, spatial…]`: unbatched `[C, spatial…]` gets a leading 1 (`UnsqueezeBackward0`).
    func spatialBatched(dims: Int, op: String) throws -> (Tensor, Bool) {
        guard dtype == .float32 else { throw TensorError.dtype("\(op) expects a float input, got \(dtype)") }
        if rank == dims + 2 { return (self, false) }
        if rank == dims + 1 { return (spatialReshaped([1] + shape, name: .unsqueezeBackward0), true) }
        throw TensorError.shapeMismatch("Expected \(dims + 1)D (unbatched) or \(dims + 2)D (batched) input to \(op), but got input of size: \(shape)")
    }

    func requireSpatialFloat(rank expected: Int, op: String) throws {
        guard dtype == .float32 else { throw TensorError.dtype("\(op) must be float, got \(dtype)") }
        guard rank == expected else {
            throw TensorError.shapeMismatch("\(op) must have \(expected) dims, got \(shape)")
        }
    }

    func requireVector(_ count: Int, op: String) throws {
        guard dtype == .float32, shape == [count] else {
            throw TensorError.shapeMismatch("\(op) must be a float vector of \(count) elements, got \(shape)")
        }
    }

    /// PyTorch's `_single/_pair/_triple`: one value repeats for every spatial dim.
    func spatialList(_ values: [Int], _ dims: Int, _ what: String) throws -> [Int] {
        if values.count == dims { return values }
        if values.count == 1 { return Array(repeating: values[0], count: dims) }
        throw TensorError.invalidArgument("\(what) must have 1 or \(dims) values, got \(values)")
    }
}
