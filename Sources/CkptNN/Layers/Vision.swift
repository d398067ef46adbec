import CkptTensor
import Foundation

// Rearranging and resampling images: pixel (un)shuffle, channel shuffle, upsampling.

/// `nn.PixelShuffle(upscale_factor)`.
public final class PixelShuffle: UnaryModule {
    public static let schema = LayerSchema.oneInteger("PixelShuffle", "upscale_factor", function: "pixel_shuffle", value: \.upscaleFactor,
                                                      make: PixelShuffle.init)
    public let upscaleFactor: Int
    public init(_ upscaleFactor: Int) { self.upscaleFactor = upscaleFactor; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.pixelShuffle(upscaleFactor) }
}

/// `nn.PixelUnshuffle(downscale_factor)`: `(*, C, H·r, W·r)` → `(*, C·r², H, W)`, the inverse of `PixelShuffle`.
public final class PixelUnshuffle: UnaryModule {
    public static let schema = LayerSchema.oneInteger("PixelUnshuffle", "downscale_factor", function: "pixel_unshuffle",
                                                      value: \.downscaleFactor, make: PixelUnshuffle.init)
    public let downscaleFactor: Int
    public init(_ downscaleFactor: Int) { self.downscaleFactor = downscaleFactor; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.pixelUnshuffle(downscaleFactor) }
}

/// `nn.ChannelShuffle(groups)`: the channels of `(N, C, *)` viewed as `(groups, C/groups)` and transposed, as
/// ShuffleNet does — a reshape, a transpose and a reshape, as ATen's `native_channel_shuffle`.
public final class ChannelShuffle: UnaryModule {
    public static let schema = LayerSchema.oneInteger("ChannelShuffle", "groups", function: "channel_shuffle", value: \.groups,
                                                      make: ChannelShuffle.init)
    public let groups: Int
    public init(_ groups: Int) { self.groups = groups; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 3 else {
            throw NNError.invalidArgument("channel_shuffle expects input to have at least 3 dimensions, but got input with \(x.rank) dimension(s)")
        }
        guard groups > 0 else { throw NNError.invalidArgument("Number of groups to divide channels in must be positive. Value of groups:\(groups)") }
        let c = x.shape[1]
        guard c % groups == 0 else {
            throw NNError.invalidArgument("Number of channels must be divisible by groups. Got \(c) channels and \(groups) groups.")
        }
        let rest = Array(x.shape.dropFirst(2))
        return try x.reshape([x.shape[0], groups, c / groups] + rest).transpose(1, 2).reshape(x.shape)
    }
}

/// `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None)` and
/// `nn.UpsamplingBilinear2d(size=None, scale_factor=None)` (bilinear with `align_corners=True`).
public final class Upsample: UnaryModule {
    /// The interpolation modes ckpt computes.
    public enum Mode: String, Sendable, CaseIterable, ArgumentChoice {
        case nearest, nearestExact = "nearest-exact", linear, bilinear, trilinear
    }

    public static let schemas = [false, true].map { bilinear2d in
        LayerSchema(bilinear2d ? "UpsamplingBilinear2d" : "Upsample",
                    bilinear2d ? "size=None, scale_factor=None, mode='bilinear'" : "size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None",
                    repr: "[scale_factor={scale_factor!r}][size={size!r}], mode={mode!r}", attributes: { (m: Upsample) in
            ["size": m.size, "scale_factor": m.scaleFactorArgument, "mode": m.mode, "align_corners": m.alignCorners]
        }) { a in
            var scales: [Double]?, scalar = true
            switch a.value("scale_factor") {
            case .tuple(let items):
                scales = try items.map { v in
                    guard let d = v.doubleValue else {
                        throw ArgumentError.wrongType(callee: a.className, name: "scale_factor", expected: "numbers", got: v.pythonRepr)
                    }
                    return d
                }
                scalar = false
            case .none: break
            default: scales = [try a["scale_factor"] as Double]
            }
            return try Upsample(size: try a["size"], scaleFactor: scales, scaleIsScalar: scalar,
                                mode: bilinear2d ? .bilinear : try a["mode"], alignCorners: bilinear2d ? nil : try a["align_corners"],
                                bilinear2d: bilinear2d)
        }
    }
    public override var schema: LayerSchema? { Upsample.schemas[bilinear2d ? 1 : 0] }

    public let size: SizeArgument?
    public let scaleFactor: [Double]?
    public let scaleIsScalar: Bool
    public let mode: Mode
    public let alignCorners: Bool?
    private let bilinear2d: Bool

    public init(size: SizeArgument? = nil, scaleFactor: [Double]? = nil, scaleIsScalar: Bool = true, mode: Mode = .nearest,
                alignCorners: Bool? = nil, bilinear2d: Bool = false) throws {
        guard (size == nil) != (scaleFactor == nil) else { throw NNError.invalidArgument("only one of size or scale_factor should be defined") }
        self.size = size; self.scaleFactor = scaleFactor; self.scaleIsScalar = scaleIsScalar
        self.mode = bilinear2d ? .bilinear : mode; self.alignCorners = bilinear2d ? true : alignCorners; self.bilinear2d = bilinear2d
        super.init()
    }

    /// `scale_factor` as PyTorch stores it: a float, a tuple of floats, or None.
    var scaleFactorArgument: ArgumentValue {
        guard let s = scaleFactor else { return .none }
        return scaleIsScalar ? .float(s.first ?? 0) : .tuple(s.map { .float($0) })
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let dims = x.rank - 2
        guard dims >= 1 else { throw NNError.invalidArgument("\(typeName) expects a 3D, 4D or 5D input, got \(x.shape)") }
        let m: InterpolateMode = mode == .nearest ? .nearest : mode == .nearestExact ? .nearestExact : .linear
        let scales = scaleFactor.map { $0.count == 1 ? Array(repeating: $0[0], count: dims) : $0 }
        return try x.interpolate(size: size?.expanded(dims), scaleFactor: scales, mode: m,
                                 alignCorners: m == .linear ? (alignCorners ?? false) : nil)
    }
}

extension LayerSchema {
    /// The image rearranging and resampling.
    static let vision: [LayerSchema] = [PixelShuffle.schema, PixelUnshuffle.schema, ChannelShuffle.schema] + Upsample.schemas
}
