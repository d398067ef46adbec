import CkptTensor

// Convolutions: Conv1d/2d/3d and ConvTranspose2d, which share PyTorch's `_ConvNd.extra_repr`.

/// `_ConvNd.extra_repr`: sizes always, the rest only away from their defaults.
private let convolutionRepr = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}[, padding={padding}]"
    + "[, dilation={dilation}][, output_padding={output_padding}][, groups={groups}][, bias={bias}][, padding_mode={padding_mode}]"

/// How a convolution pads outside its input (`padding_mode`); ckpt computes `zeros` only.
public enum PaddingMode: String, Sendable, CaseIterable, ArgumentChoice {
    case zeros, reflect, replicate, circular
}

/// A convolution's `padding` as PyTorch holds it: a tuple per spatial dim, or the string `'same'`/`'valid'`.
extension ConvPadding: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        switch String(argument: argument) {
        case "same": self = .same
        case "valid": self = .valid
        case .some: return nil
        case nil:
            guard let list = argument.intList else { return nil }
            self = .explicit(list)
        }
    }
    public var argument: ArgumentValue {
        switch self {
        case .same: return .string("same")
        case .valid: return .string("valid")
        case .explicit(let p): return .tuple(p.map { .int($0) })
        }
    }
    public static var expected: String { "an int, a tuple of ints, 'same' or 'valid'" }
}

/// `nn.Conv1d/2d/3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
/// padding_mode='zeros')`: weight `[out, in/groups, *kernel]`, PyTorch's default init (uniform ±1/√fan_in).
public final class Conv: UnaryModule {
    public static let schemas = (1 ... 3).map { dims in
        LayerSchema("Conv\(dims)d", "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, "
                    + "padding_mode='zeros', device=None, dtype=None", repr: convolutionRepr, attributes: { (m: Conv) in
            ["in_channels": m.inChannels, "out_channels": m.outChannels, "kernel_size": m.kernelSize, "stride": m.stride, "padding": m.padding,
             "dilation": m.dilation, "groups": m.groups, "bias": m.parameter("bias") != nil, "padding_mode": m.paddingMode]
        }) { a in
            let padding: ConvPadding = try a["padding"]
            return try Conv(dims: dims, try a["in_channels"], try a["out_channels"], kernelSize: try a["kernel_size"], stride: try a["stride"],
                            padding: padding.explicit(dims), dilation: try a["dilation"], groups: try a["groups"], bias: try a["bias"],
                            paddingMode: try a["padding_mode"])
        }
    }
    public override var schema: LayerSchema? { Conv.schemas[dims - 1] }

    public let dims: Int
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: ConvPadding
    public let dilation: [Int]
    public let groups: Int
    public let paddingMode: PaddingMode

    public init(dims: Int, _ inChannels: Int, _ outChannels: Int, kernelSize: SizeArgument, stride: SizeArgument = SizeArgument(1),
                padding: ConvPadding = .explicit([0]), dilation: SizeArgument = SizeArgument(1), groups: Int = 1, bias: Bool = true,
                paddingMode: PaddingMode = .zeros) throws {
        guard (1 ... 3).contains(dims), groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw NNError.invalidArgument("in_channels and out_channels must be divisible by groups")
        }
        guard paddingMode == .zeros else { throw NNError.notImplemented("Conv padding_mode='\(paddingMode.rawValue)' is not implemented") }
        self.dims = dims
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize.expanded(dims)
        self.stride = stride.expanded(dims)
        self.padding = padding.explicit(dims)
        self.dilation = dilation.expanded(dims)
        self.groups = groups
        self.paddingMode = paddingMode
        super.init()
        registerDefaultWeights([outChannels, inChannels / groups] + self.kernelSize, fanIn: inChannels / groups * self.kernelSize.reduce(1, *),
                               bias: bias ? outChannels : nil)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("\(typeName) has no weight") }
        let b = parameter("bias")
        switch dims {
        case 1: return try x.conv1d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        case 2: return try x.conv2d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        default: return try x.conv3d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
    }
}

extension ConvPadding {
    /// Explicit amounts expanded to `dims` (`0` → `(0, 0)`), as `_pair` stores them; strings stay.
    func explicit(_ dims: Int) -> ConvPadding {
        guard case .explicit(let p) = self, p.count == 1 else { return self }
        return .explicit(Array(repeating: p[0], count: dims))
    }
}

/// `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
/// bias=True, dilation=1)`: weight `[in, out/groups, kh, kw]`, PyTorch's default init (uniform ±1/√fan_in, where
/// fan_in is computed from the weight's dim 1: `out/groups · kh · kw`).
public final class ConvTranspose2d: UnaryModule {
    public static let schema = LayerSchema("ConvTranspose2d", "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, "
                                           + "groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None",
                                           repr: convolutionRepr, attributes: { (m: ConvTranspose2d) in
        ["in_channels": m.inChannels, "out_channels": m.outChannels, "kernel_size": m.kernelSize, "stride": m.stride, "padding": m.padding,
         "dilation": m.dilation, "output_padding": m.outputPadding, "groups": m.groups, "bias": m.parameter("bias") != nil,
         "padding_mode": PaddingMode.zeros]
    }) { a in
        guard try a["padding_mode"] as PaddingMode == .zeros else { throw NNError.notImplemented("ConvTranspose2d only supports padding_mode='zeros'") }
        return try ConvTranspose2d(try a["in_channels"], try a["out_channels"], kernelSize: try a["kernel_size"], stride: try a["stride"],
                                   padding: try a["padding"], outputPadding: try a["output_padding"], groups: try a["groups"],
                                   bias: try a["bias"], dilation: try a["dilation"])
    }

    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: [Int]
    public let outputPadding: [Int]
    public let groups: Int
    public let dilation: [Int]

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: SizeArgument, stride: SizeArgument = SizeArgument(1),
                padding: SizeArgument = SizeArgument(0), outputPadding: SizeArgument = SizeArgument(0), groups: Int = 1,
                bias: Bool = true, dilation: SizeArgument = SizeArgument(1)) throws {
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw NNError.invalidArgument("in_channels and out_channels must be divisible by groups")
        }
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize.expanded(2); self.stride = stride.expanded(2); self.padding = padding.expanded(2)
        self.outputPadding = outputPadding.expanded(2); self.groups = groups; self.dilation = dilation.expanded(2)
        super.init()
        // fan_in from the weight's dim 1, as for any weight: out/groups · kernel.
        registerDefaultWeights([inChannels, outChannels / groups] + self.kernelSize, fanIn: outChannels / groups * self.kernelSize.reduce(1, *),
                               bias: bias ? outChannels : nil)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("ConvTranspose2d has no weight") }
        return try x.convTranspose2d(weight: w, bias: parameter("bias"), stride: stride, padding: padding,
                                     outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

extension LayerSchema {
    /// The convolutions.
    static let convolutions: [LayerSchema] = Conv.schemas + [ConvTranspose2d.schema]
}
