import CkptTensor

/// `nn.Conv1d/2d/3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True)`:
/// weight `[out, in/groups, *kernel]`, PyTorch's default init (uniform ±1/√fan_in).
public final class Conv: UnaryModule {
    public let dims: Int
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: [Int]
    public let stride: [Int]
    /// `[p, …]`, or nil with `paddingMode` `same` / `valid` given as a string.
    public let padding: [Int]?
    public let paddingString: String?
    public let dilation: [Int]
    public let groups: Int
    public let paddingMode: String

    public init(dims: Int, _ inChannels: Int, _ outChannels: Int, kernelSize: SizeArgument, stride: SizeArgument = SizeArgument(1),
                padding: SizeArgument = SizeArgument(0), paddingString: String? = nil, dilation: SizeArgument = SizeArgument(1),
                groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros") throws {
        guard (1 ... 3).contains(dims), groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw NNError.invalidArgument("in_channels and out_channels must be divisible by groups")
        }
        guard paddingMode == "zeros" else { throw NNError.notImplemented("Conv padding_mode='\(paddingMode)' is not implemented") }
        self.dims = dims
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize.expanded(dims)
        self.stride = stride.expanded(dims)
        self.padding = paddingString == nil ? padding.expanded(dims) : nil
        self.paddingString = paddingString
        self.dilation = dilation.expanded(dims)
        self.groups = groups
        self.paddingMode = paddingMode
        super.init()
        let fanIn = inChannels / groups * self.kernelSize.reduce(1, *)
        let bound = fanIn > 0 ? Float(1 / Double(fanIn).squareRoot()) : 0
        registerParameter("weight", Tensor.uniform([outChannels, inChannels / groups] + self.kernelSize, low: -bound, high: bound))
        registerParameter("bias", bias ? Tensor.uniform([outChannels], low: -bound, high: bound) : nil)
    }

    public override var typeName: String { "Conv\(dims)d" }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(Module.tupleRepr(kernelSize)), stride=\(Module.tupleRepr(stride))"
        if let p = paddingString { s += ", padding=\(p)" } else if let p = padding, p.contains(where: { $0 != 0 }) { s += ", padding=\(Module.tupleRepr(p))" }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(Module.tupleRepr(dilation))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if parameter("bias") == nil { s += ", bias=False" }
        return s
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("\(typeName) has no weight") }
        let pad: ConvPadding = paddingString == "same" ? .same : paddingString == "valid" ? .valid : .explicit(padding ?? [0])
        let b = parameter("bias")
        switch dims {
        case 1: return try x.conv1d(weight: w, bias: b, stride: stride, padding: pad, dilation: dilation, groups: groups)
        case 2: return try x.conv2d(weight: w, bias: b, stride: stride, padding: pad, dilation: dilation, groups: groups)
        default: return try x.conv3d(weight: w, bias: b, stride: stride, padding: pad, dilation: dilation, groups: groups)
        }
    }
}
