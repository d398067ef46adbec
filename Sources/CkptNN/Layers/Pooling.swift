import CkptTensor

// Pooling: max and average over windows, adaptive pooling to a size, and max-unpooling.

/// `nn.MaxPool1d/2d/3d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`.
public final class MaxPool: Module {
    public static let schemas = (1 ... 3).map { dims in
        LayerSchema("MaxPool\(dims)d", "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False",
                    repr: "kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, ceil_mode={ceil_mode}",
                    attributes: { (m: MaxPool) in
            ["kernel_size": m.kernelSize, "stride": m.stride, "padding": m.padding, "dilation": m.dilation, "ceil_mode": m.ceilMode,
             "return_indices": m.returnIndices]
        }) { a in
            MaxPool(dims: dims, kernelSize: try a["kernel_size"], stride: try a["stride"], padding: try a["padding"], dilation: try a["dilation"],
                    returnIndices: try a["return_indices"], ceilMode: try a["ceil_mode"])
        }
    }
    public override var schema: LayerSchema? { MaxPool.schemas[dims - 1] }

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
    public static let schemas = (1 ... 3).map { dims in
        LayerSchema("AvgPool\(dims)d", "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True"
                    + (dims == 1 ? "" : ", divisor_override=None"), repr: "kernel_size={kernel_size}, stride={stride}, padding={padding}",
                    functional: .named("avg_pool\(dims)d"), attributes: { (m: AvgPool) in
            ["kernel_size": m.kernelSize, "stride": m.stride, "padding": m.padding, "ceil_mode": m.ceilMode,
             "count_include_pad": m.countIncludePad, "divisor_override": m.divisorOverride]
        }) { a in
            AvgPool(dims: dims, kernelSize: try a["kernel_size"], stride: try a["stride"], padding: try a["padding"], ceilMode: try a["ceil_mode"],
                    countIncludePad: try a["count_include_pad"], divisorOverride: dims == 1 ? nil : try a["divisor_override"])
        }
    }
    public override var schema: LayerSchema? { AvgPool.schemas[dims - 1] }

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

    public override func forward(_ x: Tensor) throws -> Tensor {
        let (k, s, p) = (kernelSize.expanded(dims), stride.expanded(dims), padding.expanded(dims))
        switch dims {
        case 1: return try x.avgPool1d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad)
        case 2: return try x.avgPool2d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        default: return try x.avgPool3d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        }
    }
}

/// `nn.AdaptiveAvgPool1d/3d(output_size)` and `nn.AdaptiveMaxPool1d/2d/3d(output_size, return_indices=False)`
/// (and `AdaptiveAvgPool2d` when its size holds a None). A None in `output_size` keeps that input dim's size,
/// as PyTorch's `_list_with_default`. The size prints back as given (`output_size=3`, `output_size=(2, None, 3)`);
/// `return_indices` is not printed, as in PyTorch. With `return_indices`, forward returns `(output, indices)`.
public final class AdaptivePool: Module {
    public enum Kind: String, Sendable { case avg = "Avg", max = "Max" }

    public static let schemas: [LayerSchema] = [Kind.avg, .max].flatMap { kind in
        (1 ... 3).map { dims in
            LayerSchema("Adaptive\(kind.rawValue)Pool\(dims)d", kind == .max ? "output_size, return_indices=False" : "output_size",
                        repr: "output_size={output_size}", functional: .named("adaptive_\(kind.rawValue.lowercased())_pool\(dims)d"),
                        attributes: { (m: AdaptivePool) in ["output_size": m.outputSizeArgument, "return_indices": m.returnIndices] }) { a in
                let given = a.value("output_size")
                let items: [ArgumentValue]
                if case .tuple(let t) = given { items = t } else { items = [given] }
                let sizes = try items.map { item -> Int? in
                    guard let size = Int?(argument: item) else {
                        throw ArgumentError.wrongType(callee: a.className, name: "output_size", expected: "ints or None", got: given.pythonRepr)
                    }
                    return size
                }
                var isScalar = true
                if case .tuple = given { isScalar = false }
                return try AdaptivePool(kind, dims: dims, outputSize: sizes, isScalar: isScalar,
                                        returnIndices: kind == .max ? try a["return_indices"] : false)
            }
        }
    }
    public override var schema: LayerSchema? { AdaptivePool.schemas[(kind == .avg ? 0 : 3) + dims - 1] }

    public let kind: Kind
    public let dims: Int
    /// The sizes as given; nil entries are None.
    public let outputSize: [Int?]
    /// Whether `output_size` was one value rather than a tuple.
    public let isScalar: Bool
    public let returnIndices: Bool

    public init(_ kind: Kind, dims: Int, outputSize: [Int?], isScalar: Bool, returnIndices: Bool = false) throws {
        guard (1 ... 3).contains(dims) else { throw NNError.invalidArgument("adaptive pooling is 1-, 2- or 3-d, not \(dims)-d") }
        guard isScalar ? outputSize.count == 1 : (outputSize.count == dims || outputSize.count == 1) else {
            throw NNError.invalidArgument("Adaptive\(kind.rawValue)Pool\(dims)d: output_size must have \(dims) elements, got \(outputSize.count)")
        }
        guard outputSize.allSatisfy({ ($0 ?? 0) >= 0 }) else {
            throw NNError.invalidArgument("Adaptive\(kind.rawValue)Pool\(dims)d: output_size must not be negative")
        }
        guard kind == .max || !returnIndices else { throw NNError.invalidArgument("average pooling has no indices") }
        self.kind = kind; self.dims = dims; self.outputSize = outputSize; self.isScalar = isScalar; self.returnIndices = returnIndices
        super.init()
    }

    /// `output_size` as given: one value or a tuple, None for a kept input size.
    var outputSizeArgument: ArgumentValue {
        let items = outputSize.map { $0.map(ArgumentValue.int) ?? .none }
        return isScalar ? items[0] : .tuple(items)
    }

    public override var forwardParameterNames: [String] { ["input"] }

    /// The output size for `x`: each None replaced by the input's size there.
    public func resolvedSize(for x: Tensor) throws -> [Int] {
        guard x.rank == dims + 1 || x.rank == dims + 2 else {
            throw NNError.invalidArgument("\(typeName): Expected \(dims + 1)D or \(dims + 2)D input, but got \(x.shape)")
        }
        let spatial = Array(x.shape.suffix(dims))
        let sizes = outputSize.count == 1 ? Array(repeating: outputSize[0], count: dims) : outputSize
        return zip(sizes, spatial).map { $0 ?? $1 }
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 1 else { throw NNError.invalidArgument("\(typeName).forward() takes 1 input, got \(args.count)") }
        let x = try args[0].asTensor("\(typeName) input")
        let size = try resolvedSize(for: x)
        switch (kind, dims) {
        case (.avg, 1): return .tensor(try x.adaptiveAvgPool1d(outputSize: size[0]))
        case (.avg, 2): return .tensor(try x.adaptiveAvgPool2d(outputSize: size))
        case (.avg, _): return .tensor(try x.adaptiveAvgPool3d(outputSize: size))
        case (.max, _):
            let r: (output: Tensor, indices: Tensor)
            switch dims {
            case 1: r = try x.adaptiveMaxPool1dWithIndices(outputSize: size[0])
            case 2: r = try x.adaptiveMaxPool2dWithIndices(outputSize: size)
            default: r = try x.adaptiveMaxPool3dWithIndices(outputSize: size)
            }
            return returnIndices ? .tuple([.tensor(r.output), .tensor(r.indices)]) : .tensor(r.output)
        }
    }
}

/// `nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`: forward takes the pooled values and their indices
/// (and an optional output size).
public final class MaxUnpool2d: Module {
    public static let schema = LayerSchema("MaxUnpool2d", "kernel_size, stride=None, padding=0",
                                           repr: "kernel_size={kernel_size}, stride={stride}, padding={padding}", attributes: { (m: MaxUnpool2d) in
        ["kernel_size": m.kernelSize, "stride": m.stride, "padding": m.padding]
    }) { a in MaxUnpool2d(kernelSize: try a["kernel_size"], stride: try a["stride"], padding: try a["padding"]) }

    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: [Int]
    public init(kernelSize: SizeArgument, stride: SizeArgument? = nil, padding: SizeArgument = SizeArgument(0)) {
        self.kernelSize = kernelSize.expanded(2)
        self.stride = (stride ?? kernelSize).expanded(2)
        self.padding = padding.expanded(2)
        super.init()
    }
    public func callAsFunction(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) throws -> Tensor {
        try x.maxUnpool2d(indices: indices, kernelSize: kernelSize, stride: stride, padding: padding, outputSize: outputSize)
    }
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("MaxUnpool2d.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("input"), indices: try args[1].asTensor("indices")))
    }
}

extension LayerSchema {
    /// The pooling layers.
    static let pooling: [LayerSchema] = MaxPool.schemas + AvgPool.schemas + AdaptivePool.schemas + [MaxUnpool2d.schema]
}
