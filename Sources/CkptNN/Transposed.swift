import CkptTensor

/// `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
/// bias=True, dilation=1)`: weight `[in, out/groups, kh, kw]`, PyTorch's default init (uniform ±1/√fan_in, where
/// fan_in is computed from the weight's dim 1: `out/groups · kh · kw`).
public final class ConvTranspose2d: UnaryModule {
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
        let fanIn = outChannels / groups * self.kernelSize.reduce(1, *)
        let bound = fanIn > 0 ? Float(1 / Double(fanIn).squareRoot()) : 0
        registerParameter("weight", Tensor.uniform([inChannels, outChannels / groups] + self.kernelSize, low: -bound, high: bound))
        registerParameter("bias", bias ? Tensor.uniform([outChannels], low: -bound, high: bound) : nil)
    }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(Module.tupleRepr(kernelSize)), stride=\(Module.tupleRepr(stride))"
        if padding.contains(where: { $0 != 0 }) { s += ", padding=\(Module.tupleRepr(padding))" }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(Module.tupleRepr(dilation))" }
        if outputPadding.contains(where: { $0 != 0 }) { s += ", output_padding=\(Module.tupleRepr(outputPadding))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if parameter("bias") == nil { s += ", bias=False" }
        return s
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("ConvTranspose2d has no weight") }
        return try x.convTranspose2d(weight: w, bias: parameter("bias"), stride: stride, padding: padding,
                                     outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: `y = x1ᵀ A x2 + b`, weight
/// `[out, in1, in2]`, init uniform ±1/√in1_features. Forward takes two tensors `[…, in1]`, `[…, in2]`.
public final class Bilinear: Module {
    public let in1Features: Int
    public let in2Features: Int
    public let outFeatures: Int

    public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true) {
        self.in1Features = in1Features; self.in2Features = in2Features; self.outFeatures = outFeatures
        super.init()
        let bound = in1Features > 0 ? Float(1 / Double(in1Features).squareRoot()) : 0
        registerParameter("weight", Tensor.uniform([outFeatures, in1Features, in2Features], low: -bound, high: bound))
        registerParameter("bias", bias ? Tensor.uniform([outFeatures], low: -bound, high: bound) : nil)
    }

    public override var extraRepr: String {
        "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(parameter("bias") == nil ? "False" : "True")"
    }

    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("Bilinear has no weight") }
        guard x1.shape.last == in1Features, x2.shape.last == in2Features, x1.shape.dropLast() == x2.shape.dropLast() else {
            throw NNError.invalidArgument("Bilinear: input shapes \(x1.shape) and \(x2.shape) don't match (\(in1Features), \(in2Features))")
        }
        let lead = Array(x1.shape.dropLast())
        let n = lead.reduce(1, *)
        // x1 [n, in1] @ W as [in1, out·in2] → [n, out, in2], times x2 [n, 1, in2], summed over in2.
        let wFlat = try w.permute([1, 0, 2]).reshape([in1Features, outFeatures * in2Features])
        let left = try x1.reshape([n, in1Features]).matmul(wFlat).reshape([n, outFeatures, in2Features])
        var y = try (left * x2.reshape([n, 1, in2Features])).sum(dim: 2)
        if let b = parameter("bias") { y = try y + b }
        return try y.reshape(lead + [outFeatures])
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("Bilinear.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("input1"), try args[1].asTensor("input2")))
    }
}
