/// The shapes of an N-d pooling window (1 to 3 spatial dims) over `planes` independent planes
/// (`batch · channels`). Output sizes follow PyTorch's `pooling_output_shape`, including `ceil_mode`'s rule
/// that the last window must start inside the input or its left padding.
struct PoolGeometry: Equatable, Sendable {
    /// Independent planes (`batch · channels`).
    let planes: Int
    /// Spatial input size.
    let inputSize: [Int]
    /// Window size.
    let kernelSize: [Int]
    /// Window step (defaults to the window size).
    let stride: [Int]
    /// Implicit padding on both sides.
    let padding: [Int]
    /// Spacing between window taps.
    let dilation: [Int]
    /// Whether a partial last window counts.
    let ceilMode: Bool
    /// Spatial output size.
    let outputSize: [Int]

    /// Validates like `max_pool{1,2,3}d` / `avg_pool{1,2,3}d`; `stride` defaults to the kernel size.
    init(planes: Int, inputSize: [Int], kernelSize: [Int], stride: [Int]? = nil,
         padding: [Int]? = nil, dilation: [Int]? = nil, ceilMode: Bool = false) throws(KernelError) {
        let dims = inputSize.count
        guard (1...3).contains(dims) else {
            throw .spatialDims(op: "pooling", dims: dims)
        }
        let stride = stride.flatMap { $0.isEmpty ? nil : $0 } ?? kernelSize
        let padding = padding ?? Array(repeating: 0, count: dims)
        let dilation = dilation ?? Array(repeating: 1, count: dims)
        try checkDims(kernelSize, count: dims, minimum: 1, "kernel_size")
        try checkDims(stride, count: dims, minimum: 1, "stride")
        try checkDims(padding, count: dims, minimum: 0, "padding")
        try checkDims(dilation, count: dims, minimum: 1, "dilation")
        try checkDims(inputSize, count: dims, minimum: 1, "input size")
        guard planes >= 0 else { throw .invalidArgument("negative plane count") }
        for v in kernelSize + stride + padding + dilation + inputSize where v > kernelElementLimit {
            throw .argumentTooLarge(op: "pooling", value: v)
        }
        var output = [Int]()
        for d in 0..<dims {
            guard padding[d] <= kernelSize[d] / 2 else {
                throw .invalidArgument("pad should be at most half of effective kernel size, but got pad=\(padding[d]), kernel_size=\(kernelSize[d])")
            }
            let span = inputSize[d] + 2 * padding[d] - dilation[d] * (kernelSize[d] - 1) - 1
            var size = (span + (ceilMode ? stride[d] - 1 : 0)) / stride[d] + 1
            if span < 0 && !ceilMode { size = 0 }
            if ceilMode && (size - 1) * stride[d] >= inputSize[d] + padding[d] { size -= 1 }
            guard span >= 0, size >= 1 else {
                throw .invalidArgument("pooling output size is too small (input \(inputSize), kernel \(kernelSize))")
            }
            output.append(size)
        }
        _ = try checkedProduct([planes] + output, "pooling output")
        _ = try checkedProduct(inputSize, "pooling input plane")
        self.planes = planes; self.inputSize = inputSize; self.kernelSize = kernelSize; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.ceilMode = ceilMode; self.outputSize = output
    }

    var inputPlane: Int { inputSize.reduce(1, *) }
    var outputPlane: Int { outputSize.reduce(1, *) }
    var inputCount: Int { planes * inputPlane }
    var outputCount: Int { planes * outputPlane }

    var input3: [Int] { padTo3(inputSize, fill: 1) }
    var output3: [Int] { padTo3(outputSize, fill: 1) }
    var kernel3: [Int] { padTo3(kernelSize, fill: 1) }
    var stride3: [Int] { padTo3(stride, fill: 1) }
    var padding3: [Int] { padTo3(padding, fill: 0) }
    var dilation3: [Int] { padTo3(dilation, fill: 1) }
}
