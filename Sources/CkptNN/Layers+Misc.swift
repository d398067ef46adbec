import CkptTensor
import Foundation

/// `nn.ZeroPad2d`, `nn.ConstantPad2d`, `nn.ReflectionPad2d`, `nn.ReplicationPad2d`: padding
/// `(left, right, top, bottom)` of the last two dims (one int pads all four sides).
public final class Pad2d: UnaryModule {
    public let mode: PadMode
    public let padding: [Int]
    public let value: Double
    /// The value as the user wrote it (`0` or `3.5`), for the repr.
    public let valueRepr: String
    private let zero: Bool

    public init(mode: PadMode, padding: SizeArgument, value: Double = 0, valueRepr: String? = nil, zero: Bool = false) throws {
        let p = padding.isScalar ? Array(repeating: padding.values.first ?? 0, count: 4) : padding.values
        guard p.count == 4 else { throw NNError.invalidArgument("padding must be an int or a 4-tuple, got \(padding)") }
        self.mode = mode; self.padding = p; self.value = value; self.zero = zero
        self.valueRepr = valueRepr ?? Module.floatRepr(value)
        super.init()
    }

    public override var typeName: String {
        if zero { return "ZeroPad2d" }
        switch mode {
        case .reflect: return "ReflectionPad2d"
        case .replicate: return "ReplicationPad2d"
        case .circular: return "CircularPad2d"
        case .constant: return "ConstantPad2d"
        }
    }

    public override var extraRepr: String {
        mode == .constant && !zero ? "padding=\(Module.tupleRepr(padding)), value=\(valueRepr)" : Module.tupleRepr(padding)
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try x.pad(padding, mode: mode, value: Float(value)) }
}

/// `nn.PixelShuffle(upscale_factor)`.
public final class PixelShuffle: UnaryModule {
    public let upscaleFactor: Int
    public init(_ upscaleFactor: Int) { self.upscaleFactor = upscaleFactor; super.init() }
    public override var extraRepr: String { "upscale_factor=\(upscaleFactor)" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.pixelShuffle(upscaleFactor) }
}

/// `nn.Unflatten(dim, unflattened_size)`.
public final class Unflatten: UnaryModule {
    public let dim: Int
    public let unflattenedSize: [Int]
    public init(dim: Int, unflattenedSize: [Int]) { self.dim = dim; self.unflattenedSize = unflattenedSize; super.init() }
    public override var extraRepr: String { "dim=\(dim), unflattened_size=\(Module.tupleRepr(unflattenedSize))" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let d = try x.normalizeDim(dim)
        var sizes = unflattenedSize
        // One -1 is inferred, as in `Tensor.unflatten`.
        if let hole = sizes.firstIndex(of: -1) {
            let known = sizes.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            guard known > 0, x.shape[d] % known == 0 else {
                throw NNError.invalidArgument("unflatten: sizes \(unflattenedSize) don't multiply up to \(x.shape[d])")
            }
            sizes[hole] = x.shape[d] / known
        }
        guard sizes.reduce(1, *) == x.shape[d], sizes.allSatisfy({ $0 >= 0 }) else {
            throw NNError.invalidArgument("unflatten: Provided sizes \(unflattenedSize) don't multiply up to the size of dim \(dim) (\(x.shape[d])) in the input tensor")
        }
        return try x.reshape(Array(x.shape[..<d]) + sizes + Array(x.shape[(d + 1)...]))
    }
}

/// `nn.CosineSimilarity(dim=1, eps=1e-8)`: forward takes two tensors. PyTorch prints it as `CosineSimilarity()`.
public final class CosineSimilarity: Module {
    public let dim: Int
    public let eps: Double
    public init(dim: Int = 1, eps: Double = 1e-8) { self.dim = dim; self.eps = eps; super.init() }
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        try Tensor.cosineSimilarity(x1, x2, dim: dim, eps: Float(eps))
    }
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("CosineSimilarity.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("x1"), try args[1].asTensor("x2")))
    }
}

/// `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None)` and
/// `nn.UpsamplingBilinear2d(size=None, scale_factor=None)` (bilinear with `align_corners=True`).
public final class Upsample: UnaryModule {
    public let size: SizeArgument?
    public let scaleFactor: [Double]?
    public let scaleIsScalar: Bool
    public let mode: String
    public let alignCorners: Bool?
    private let bilinear2d: Bool

    public init(size: SizeArgument? = nil, scaleFactor: [Double]? = nil, scaleIsScalar: Bool = true, mode: String = "nearest",
                alignCorners: Bool? = nil, bilinear2d: Bool = false) throws {
        guard ["nearest", "nearest-exact", "linear", "bilinear", "trilinear"].contains(mode) else {
            throw NNError.notImplemented("Upsample mode '\(mode)' is not implemented")
        }
        guard (size == nil) != (scaleFactor == nil) else { throw NNError.invalidArgument("only one of size or scale_factor should be defined") }
        self.size = size; self.scaleFactor = scaleFactor; self.scaleIsScalar = scaleIsScalar
        self.mode = bilinear2d ? "bilinear" : mode; self.alignCorners = bilinear2d ? true : alignCorners; self.bilinear2d = bilinear2d
        super.init()
    }

    public override var typeName: String { bilinear2d ? "UpsamplingBilinear2d" : "Upsample" }

    public override var extraRepr: String {
        let head: String
        if let s = scaleFactor {
            head = "scale_factor=" + (scaleIsScalar ? Module.floatRepr(s.first ?? 0) : "(" + s.map(Module.floatRepr).joined(separator: ", ") + (s.count == 1 ? ",)" : ")"))
        } else {
            head = "size=\(size?.description ?? "None")"
        }
        return head + ", mode='\(mode)'"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let dims = x.rank - 2
        guard dims >= 1 else { throw NNError.invalidArgument("\(typeName) expects a 3D, 4D or 5D input, got \(x.shape)") }
        let m: InterpolateMode = mode == "nearest" ? .nearest : mode == "nearest-exact" ? .nearestExact : .linear
        let scales = scaleFactor.map { $0.count == 1 ? Array(repeating: $0[0], count: dims) : $0 }
        return try x.interpolate(size: size?.expanded(dims), scaleFactor: scales, mode: m,
                                 alignCorners: m == .linear ? (alignCorners ?? false) : nil)
    }
}

/// `nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`: forward takes the pooled values and their indices
/// (and an optional output size).
public final class MaxUnpool2d: Module {
    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: [Int]
    public init(kernelSize: SizeArgument, stride: SizeArgument? = nil, padding: SizeArgument = SizeArgument(0)) {
        self.kernelSize = kernelSize.expanded(2)
        self.stride = (stride ?? kernelSize).expanded(2)
        self.padding = padding.expanded(2)
        super.init()
    }
    public override var extraRepr: String {
        "kernel_size=\(Module.tupleRepr(kernelSize)), stride=\(Module.tupleRepr(stride)), padding=\(Module.tupleRepr(padding))"
    }
    public func callAsFunction(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) throws -> Tensor {
        try x.maxUnpool2d(indices: indices, kernelSize: kernelSize, stride: stride, padding: padding, outputSize: outputSize)
    }
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("MaxUnpool2d.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("input"), indices: try args[1].asTensor("indices")))
    }
}
