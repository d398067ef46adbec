import CkptTensor

// Normalisation over each sample's own values: LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm.

/// `nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True)`.
public final class LayerNorm: UnaryModule {
    public static let schema = LayerSchema("LayerNorm", "normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None, dtype=None",
                                           repr: "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, bias={bias}",
                                           attributes: { (m: LayerNorm) in
        ["normalized_shape": m.normalizedShape, "eps": m.eps, "elementwise_affine": m.elementwiseAffine, "bias": m.parameter("bias") != nil]
    }) { a in
        LayerNorm(try a["normalized_shape"], eps: try a["eps"], elementwiseAffine: try a["elementwise_affine"], bias: try a["bias"])
    }

    public let normalizedShape: [Int]
    public let eps: Double
    public let elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.normalizedShape = normalizedShape; self.eps = eps; self.elementwiseAffine = elementwiseAffine
        super.init()
        registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : nil)
        registerParameter("bias", elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : nil)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(normalizedShape: normalizedShape, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// `nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True)`.
public final class GroupNorm: UnaryModule {
    public static let schema = LayerSchema("GroupNorm", "num_groups, num_channels, eps=1e-05, affine=True, bias=True, device=None, dtype=None",
                                           repr: "{num_groups}, {num_channels}, eps={eps}, affine={affine}, bias={bias}", attributes: { (m: GroupNorm) in
        ["num_groups": m.numGroups, "num_channels": m.numChannels, "eps": m.eps, "affine": m.affine, "bias": m.affine]
    }) { a in try GroupNorm(try a["num_groups"], try a["num_channels"], eps: try a["eps"], affine: try a["affine"]) }

    public let numGroups: Int
    public let numChannels: Int
    public let eps: Double
    public let affine: Bool

    public init(_ numGroups: Int, _ numChannels: Int, eps: Double = 1e-5, affine: Bool = true) throws {
        guard numGroups > 0, numChannels % numGroups == 0 else { throw NNError.invalidArgument("num_channels must be divisible by num_groups") }
        self.numGroups = numGroups; self.numChannels = numChannels; self.eps = eps; self.affine = affine
        super.init()
        registerParameter("weight", affine ? Tensor.ones([numChannels]) : nil)
        registerParameter("bias", affine ? Tensor.zeros([numChannels]) : nil)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.groupNorm(numGroups: numGroups, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// `nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)` (PyTorch ≥ 2.4): `x / √(mean(x²) + eps)` over
/// the trailing `normalized_shape` dims, times `weight` (ones, of `normalized_shape`). `eps=None` is
/// `torch.finfo(float32).eps`.
public final class RMSNorm: UnaryModule {
    public static let schema = LayerSchema("RMSNorm", "normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None",
                                           repr: "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}", attributes: { (m: RMSNorm) in
        ["normalized_shape": m.normalizedShape, "eps": m.eps, "elementwise_affine": m.elementwiseAffine]
    }) { a in RMSNorm(try a["normalized_shape"], eps: try a["eps"], elementwiseAffine: try a["elementwise_affine"]) }

    public let normalizedShape: [Int]
    public let eps: NumberArgument?
    public let elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: NumberArgument? = nil, elementwiseAffine: Bool = true) {
        self.normalizedShape = normalizedShape; self.eps = eps; self.elementwiseAffine = elementwiseAffine
        super.init()
        registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : nil)
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let k = normalizedShape.count
        guard x.rank >= k, Array(x.shape.suffix(k)) == normalizedShape else {
            throw NNError.invalidArgument("Given normalized_shape=\(normalizedShape), expected input with shape [*, "
                                          + normalizedShape.map(String.init).joined(separator: ", ") + "], but got input of size \(x.shape)")
        }
        let epsilon = eps.map { Float($0.value) } ?? Float.ulpOfOne
        let reduced = Array((x.rank - k) ..< x.rank)
        // PyTorch's mean over an empty dim list is over every dim.
        let meanSquare = k == 0 ? x.square().mean() : try x.square().mean(dims: reduced, keepdim: true)
        let y = try x * (meanSquare + epsilon).rsqrt()
        guard let w = parameter("weight") else { return y }
        return try y * w
    }
}

/// `nn.LocalResponseNorm(size, alpha=0.0001, beta=0.75, k=1.0)`: each value divided by
/// `(k + alpha·mean of x² over `size` neighbouring channels)^beta`, built from ops exactly as `F.local_response_norm`
/// (zero-padded channel window, average pooling).
public final class LocalResponseNorm: UnaryModule {
    public static let schema = LayerSchema("LocalResponseNorm", "size, alpha=0.0001, beta=0.75, k=1.0", repr: "{size}, alpha={alpha}, beta={beta}, k={k}",
                                           functional: .named("local_response_norm"), attributes: { (m: LocalResponseNorm) in
        ["size": m.size, "alpha": m.alpha, "beta": m.beta, "k": m.k]
    }) { a in try LocalResponseNorm(size: try a["size"], alpha: try a["alpha"], beta: try a["beta"], k: try a["k"]) }

    public let size: Int
    public let alpha: NumberArgument
    public let beta: NumberArgument
    public let k: NumberArgument

    public init(size: Int, alpha: NumberArgument = 0.0001, beta: NumberArgument = 0.75, k: NumberArgument = 1.0) throws {
        guard size > 0 else { throw NNError.invalidArgument("LocalResponseNorm: size must be positive, got \(size)") }
        self.size = size; self.alpha = alpha; self.beta = beta; self.k = k
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 3 else { throw NNError.invalidArgument("Expected 3D or higher dimensionality input (got \(x.rank) dimensions)") }
        if x.numel == 0 { return x }
        var div = try x * x
        let (before, after) = (size / 2, (size - 1) / 2)
        if x.rank == 3 {
            div = try div.unsqueeze(1).pad([0, 0, before, after])
            div = try div.avgPool2d(kernelSize: [size, 1], stride: [1]).squeeze(1)
        } else {
            div = try div.reshape([x.shape[0], 1, x.shape[1], x.shape[2], -1]).pad([0, 0, 0, 0, before, after])
            div = try div.avgPool3d(kernelSize: [size, 1, 1], stride: [1]).squeeze(1).reshape(x.shape)
        }
        return try x / (div * alpha.float + k.float).pow(beta.float)
    }
}

extension LayerSchema {
    /// The per-sample normalisation.
    static let normalizations: [LayerSchema] = [LayerNorm.schema, GroupNorm.schema, RMSNorm.schema, LocalResponseNorm.schema]
}
