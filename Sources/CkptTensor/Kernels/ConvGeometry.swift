/// How a convolution pads its input: explicit symmetric amounts per spatial dim, PyTorch's `'same'`
/// (stride 1 only; an odd total puts the extra element after) or `'valid'` (none).
public enum ConvPadding: Equatable, Sendable {
    case explicit([Int])
    case same
    case valid
}

/// The shapes of one N-d convolution (1 to 3 spatial dims, PyTorch's NC… layout, weight
/// `[outChannels, inChannels / groups, kernel…]`). Kernels work in 3-d; fewer dims are padded at the front.
struct ConvGeometry: Equatable, Sendable {
    /// Samples in the batch.
    let batch: Int
    /// Input channels (all groups).
    let inChannels: Int
    /// Output channels (all groups).
    let outChannels: Int
    /// Channel groups; each sees `inChannels / groups` inputs.
    let groups: Int
    /// Spatial input size, outermost first.
    let inputSize: [Int]
    /// Spatial kernel size.
    let kernelSize: [Int]
    /// Step per spatial dim.
    let stride: [Int]
    /// Implicit zeros before each spatial dim.
    let paddingBefore: [Int]
    /// Implicit zeros after each spatial dim.
    let paddingAfter: [Int]
    /// Spacing between kernel taps.
    let dilation: [Int]
    /// Spatial output size.
    let outputSize: [Int]

    /// Validates the arguments the way `torch.nn.functional.conv{1,2,3}d` does and computes the output size.
    init(batch: Int, inChannels: Int, outChannels: Int, groups: Int = 1, inputSize: [Int],
         kernelSize: [Int], stride: [Int]? = nil, padding: ConvPadding = .valid,
         dilation: [Int]? = nil) throws(KernelError) {
        let dims = inputSize.count
        guard (1...3).contains(dims) else {
            throw .spatialDims(op: "convolution", dims: dims)
        }
        let stride = stride ?? Array(repeating: 1, count: dims)
        let dilation = dilation ?? Array(repeating: 1, count: dims)
        try checkDims(kernelSize, count: dims, minimum: 1, "kernel_size")
        try checkDims(stride, count: dims, minimum: 1, "stride")
        try checkDims(dilation, count: dims, minimum: 1, "dilation")
        try checkDims(inputSize, count: dims, minimum: 0, "input size")
        guard batch >= 0, inChannels >= 1, outChannels >= 1, groups >= 1 else {
            throw .invalidArgument("convolution needs positive channels and groups")
        }
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw .groups(inChannels: inChannels, outChannels: outChannels, groups: groups)
        }
        var before = Array(repeating: 0, count: dims), after = before
        switch padding {
        case .valid: break
        case .explicit(let p):
            try checkDims(p, count: dims, minimum: 0, "padding")
            before = p; after = p
        case .same:
            guard stride.allSatisfy({ $0 == 1 }) else {
                throw .invalidArgument("padding='same' is not supported for strided convolutions")
            }
            for d in 0..<dims {
                let total = dilation[d] * (kernelSize[d] - 1)
                before[d] = total / 2
                after[d] = total - total / 2
            }
        }
        for v in kernelSize + stride + dilation + before + after + inputSize where v > kernelElementLimit {
            throw .argumentTooLarge(op: "convolution", value: v)
        }
        var output = [Int]()
        for d in 0..<dims {
            let span = inputSize[d] + before[d] + after[d] - dilation[d] * (kernelSize[d] - 1)
            guard span >= 1 else {
                throw .invalidArgument("kernel size can't be greater than actual input size (padded input \(inputSize[d] + before[d] + after[d]), effective kernel \(dilation[d] * (kernelSize[d] - 1) + 1))")
            }
            output.append((span - 1) / stride[d] + 1)
        }
        self.init(batch: batch, inChannels: inChannels, outChannels: outChannels, groups: groups,
                  inputSize: inputSize, kernelSize: kernelSize, stride: stride, paddingBefore: before,
                  paddingAfter: after, dilation: dilation, outputSize: output)
        try checkSizes()
    }

    /// Refuses geometries whose output or im2col buffer would be unreasonably large (or overflow).
    func checkSizes() throws(KernelError) {
        _ = try checkedProduct([batch, outChannels] + outputSize, "convolution output")
        _ = try checkedProduct([batch, inChannels] + inputSize, "convolution input")
        _ = try checkedProduct(inputSize, "convolution input plane")
        _ = try checkedProduct([inChannels / groups] + kernelSize + outputSize, "convolution column buffer")
    }

    init(batch: Int, inChannels: Int, outChannels: Int, groups: Int, inputSize: [Int], kernelSize: [Int],
         stride: [Int], paddingBefore: [Int], paddingAfter: [Int], dilation: [Int], outputSize: [Int]) {
        self.batch = batch; self.inChannels = inChannels; self.outChannels = outChannels; self.groups = groups
        self.inputSize = inputSize; self.kernelSize = kernelSize; self.stride = stride
        self.paddingBefore = paddingBefore; self.paddingAfter = paddingAfter; self.dilation = dilation
        self.outputSize = outputSize
    }

    /// The geometry of `conv_transpose{1,2,3}d` with input `[batch, inChannels, inputSize…]` and weight
    /// `[inChannels, outChannels / groups, kernel…]`, expressed as the forward convolution it is the
    /// input-gradient of (its `inChannels`/`outChannels` and input/output sizes swap roles).
    static func transposed(batch: Int, inChannels: Int, outChannels: Int, groups: Int = 1,
                           inputSize: [Int], kernelSize: [Int], stride: [Int]? = nil,
                           padding: [Int]? = nil, outputPadding: [Int]? = nil,
                           dilation: [Int]? = nil) throws(KernelError) -> ConvGeometry {
        let dims = inputSize.count
        guard (1...3).contains(dims) else {
            throw .spatialDims(op: "transposed convolution", dims: dims)
        }
        let ones = Array(repeating: 1, count: dims), zeros = Array(repeating: 0, count: dims)
        let stride = stride ?? ones, dilation = dilation ?? ones
        let padding = padding ?? zeros, outputPadding = outputPadding ?? zeros
        try checkDims(kernelSize, count: dims, minimum: 1, "kernel_size")
        try checkDims(stride, count: dims, minimum: 1, "stride")
        try checkDims(dilation, count: dims, minimum: 1, "dilation")
        try checkDims(padding, count: dims, minimum: 0, "padding")
        try checkDims(outputPadding, count: dims, minimum: 0, "output_padding")
        try checkDims(inputSize, count: dims, minimum: 1, "input size")
        guard batch >= 0, inChannels >= 1, outChannels >= 1, groups >= 1,
              inChannels % groups == 0, outChannels % groups == 0 else {
            throw .groups(inChannels: inChannels, outChannels: outChannels, groups: groups)
        }
        for v in kernelSize + stride + dilation + padding + outputPadding + inputSize where v > kernelElementLimit {
            throw .argumentTooLarge(op: "transposed convolution", value: v)
        }
        var output = [Int]()
        for d in 0..<dims {
            guard outputPadding[d] < stride[d] || outputPadding[d] < dilation[d] else {
                throw .invalidArgument("output padding must be smaller than either stride or dilation, got \(outputPadding)")
            }
            let size = (inputSize[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernelSize[d] - 1)
                + outputPadding[d] + 1
            guard size >= 1 else {
                throw .invalidArgument("transposed convolution output size \(size) is too small")
            }
            output.append(size)
        }
        let geometry = ConvGeometry(batch: batch, inChannels: outChannels, outChannels: inChannels, groups: groups,
                                    inputSize: output, kernelSize: kernelSize, stride: stride,
                                    paddingBefore: padding, paddingAfter: padding, dilation: dilation,
                                    outputSize: inputSize)
        try geometry.checkSizes()
        return geometry
    }

    /// Number of spatial dims (1 to 3).
    var spatialDims: Int { inputSize.count }
    /// Elements of one input plane, one output plane, one kernel window.
    var inputPlane: Int { inputSize.reduce(1, *) }
    var outputPlane: Int { outputSize.reduce(1, *) }
    var kernelVolume: Int { kernelSize.reduce(1, *) }
    /// Element counts of the whole input, weight and output buffers.
    var inputCount: Int { batch * inChannels * inputPlane }
    var weightCount: Int { outChannels * (inChannels / groups) * kernelVolume }
    var outputCount: Int { batch * outChannels * outputPlane }
    /// Weight shape `[outChannels, inChannels / groups, kernel…]`.
    var weightShape: [Int] { [outChannels, inChannels / groups] + kernelSize }
    /// Output shape `[batch, outChannels, output…]`.
    var outputShape: [Int] { [batch, outChannels] + outputSize }

    /// True when the convolution is a plain per-pixel matrix product (1×1 kernel, stride 1, no padding):
    /// the input plane is already its own im2col matrix.
    var isPointwise: Bool {
        kernelSize.allSatisfy { $0 == 1 } && stride.allSatisfy { $0 == 1 }
            && paddingBefore.allSatisfy { $0 == 0 } && inputSize == outputSize
    }

    /// The column-matrix layout for one group of one sample.
    var columns: ColumnLayout {
        ColumnLayout(channels: inChannels / groups, input: padTo3(inputSize, fill: 1),
                     kernel: padTo3(kernelSize, fill: 1), stride: padTo3(stride, fill: 1),
                     padding: padTo3(paddingBefore, fill: 0), dilation: padTo3(dilation, fill: 1),
                     output: padTo3(outputSize, fill: 1))
    }
}
