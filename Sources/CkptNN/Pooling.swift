import CkptTensor

/// `nn.MaxPool1d/2d/3d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`.
public final class MaxPool: Module {
    public let dims: Int
    public let kernelSize: SizeArgument
    public let stride: SizeArgument
    public let padding: SizeArgument
    public let dilation: SizeArgument
    public let returnIndices: Bool
    public let ceilMode: Bool

    public init(dims: Int, kernelSize: SizeArgument, stride: SizeArgument? = nil, padding: SizeArgument = SizeArgument(0),
                dilation: SizeArgument = SizeArgument(1), returnIndices: Bool = false, ceilMode: Bool = false) {
        self.dims = dims; self.kernelSize = kernelSize; self.stride = stride ?? kernelSize; self.padding = padding
        self.dilation = dilation; self.returnIndices = returnIndices; self.ceilMode = ceilMode
        super.init()
    }

    public override var typeName: String { "MaxPool\(dims)d" }

    public override var extraRepr: String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(ceilMode ? "True" : "False")"
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 1 else { throw NNError.invalidArgument("\(typeName).forward() takes 1 input, got \(args.count)") }
        let x = try args[0].asTensor("\(typeName) input")
        let (k, s, p, d) = (kernelSize.expanded(dims), stride.expanded(dims), padding.expanded(dims), dilation.expanded(dims))
        if !returnIndices {
            switch dims {
            case 1: return .tensor(try x.maxPool1d(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode))
            case 2: return .tensor(try x.maxPool2d(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode))
            default: return .tensor(try x.maxPool3d(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode))
            }
        }
        let r: (output: Tensor, indices: Tensor)
        switch dims {
        case 1: r = try x.maxPool1dWithIndices(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode)
        case 2: r = try x.maxPool2dWithIndices(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode)
        default: r = try x.maxPool3dWithIndices(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode)
        }
        return .tuple([.tensor(r.output), .tensor(r.indices)])
    }
}

/// `nn.AvgPool1d/2d/3d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`.
public final class AvgPool: UnaryModule {
    public let dims: Int
    public let kernelSize: SizeArgument
    public let stride: SizeArgument
    public let padding: SizeArgument
    public let ceilMode: Bool
    public let countIncludePad: Bool
    public let divisorOverride: Int?

    public init(dims: Int, kernelSize: SizeArgument, stride: SizeArgument? = nil, padding: SizeArgument = SizeArgument(0),
                ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        // AvgPool1d stores its sizes as 1-tuples (`_single`) and prints them so.
        self.dims = dims
        self.kernelSize = dims == 1 ? kernelSize.tupled(1) : kernelSize
        self.stride = dims == 1 ? (stride ?? kernelSize).tupled(1) : (stride ?? kernelSize)
        self.padding = dims == 1 ? padding.tupled(1) : padding
        self.ceilMode = ceilMode; self.countIncludePad = countIncludePad; self.divisorOverride = divisorOverride
        super.init()
    }

    public override var typeName: String { "AvgPool\(dims)d" }

    public override var extraRepr: String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let (k, s, p) = (kernelSize.expanded(dims), stride.expanded(dims), padding.expanded(dims))
        switch dims {
        case 1: return try x.avgPool1d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad)
        case 2: return try x.avgPool2d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        default: return try x.avgPool3d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        }
    }
}

/// `nn.AdaptiveAvgPool2d(output_size)`.
public final class AdaptiveAvgPool2d: UnaryModule {
    public let outputSize: SizeArgument
    public init(outputSize: SizeArgument) { self.outputSize = outputSize; super.init() }
    public override var extraRepr: String { "output_size=\(outputSize)" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.adaptiveAvgPool2d(outputSize: outputSize.expanded(2)) }
}
