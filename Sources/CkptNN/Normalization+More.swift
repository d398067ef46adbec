import CkptTensor

/// `nn.InstanceNorm1d/2d/3d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, *,
/// bias=True)`: each channel of each sample normalised over its spatial positions. With `affine`, parameters
/// `weight` (ones) and `bias` (zeros, unless `bias=False`); with `track_running_stats`, buffers `running_mean`,
/// `running_var` and `num_batches_tracked` (int64; InstanceNorm never increments it, as in PyTorch).
///
/// As PyTorch: training, or not tracking, uses each instance's statistics (and, when tracking, moves the running
/// ones by `momentum`, `None` meaning 0); eval with tracked statistics normalises with the running ones. An input
/// without a batch dim (`(C, L)` for 1d) is treated as a batch of one.
public final class InstanceNorm: UnaryModule {
    public let dims: Int
    public let numFeatures: Int
    public let eps: NumberArgument
    /// nil is `momentum=None`.
    public let momentum: NumberArgument?
    public let affine: Bool
    public let trackRunningStats: Bool

    public init(dims: Int, _ numFeatures: Int, eps: NumberArgument = 1e-5, momentum: NumberArgument? = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, bias: Bool = true) {
        self.dims = dims; self.numFeatures = numFeatures; self.eps = eps; self.momentum = momentum
        self.affine = affine; self.trackRunningStats = trackRunningStats
        super.init()
        registerParameter("weight", affine ? Tensor.ones([numFeatures]) : nil)
        registerParameter("bias", affine && bias ? Tensor.zeros([numFeatures]) : nil)
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros([numFeatures]) : nil)
        registerBuffer("running_var", trackRunningStats ? Tensor.ones([numFeatures]) : nil)
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil)
    }

    public override var typeName: String { "InstanceNorm\(dims)d" }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum?.description ?? "None"), affine=\(affine ? "True" : "False"), "
            + "bias=\(parameter("bias") == nil ? "False" : "True"), track_running_stats=\(trackRunningStats ? "True" : "False")"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == dims + 1 || x.rank == dims + 2 else {
            throw NNError.invalidArgument("expected \(dims + 1)D or \(dims + 2)D input (got \(x.rank)D input)")
        }
        let featureDim = x.rank - dims - 1
        if affine, x.shape[featureDim] != numFeatures {
            throw NNError.invalidArgument("expected input's size at dim=\(featureDim) to match num_features (\(numFeatures)), "
                                          + "but got: \(x.shape[featureDim]).")
        }
        if x.rank == dims + 1 { return try normalize(try x.unsqueeze(0)).squeeze(0) }
        return try normalize(x)
    }

    private func normalize(_ x: Tensor) throws -> Tensor {
        try x.instanceNorm(runningMean: buffer("running_mean"), runningVar: buffer("running_var"), weight: parameter("weight"),
                           bias: parameter("bias"), useInputStats: training || !trackRunningStats,
                           momentum: momentum?.value ?? 0, eps: eps.value)
    }
}

/// `nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)` (PyTorch ≥ 2.4): `x / √(mean(x²) + eps)` over
/// the trailing `normalized_shape` dims, times `weight` (ones, of `normalized_shape`). `eps=None` is
/// `torch.finfo(float32).eps`.
public final class RMSNorm: UnaryModule {
    public let normalizedShape: [Int]
    public let eps: NumberArgument?
    public let elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: NumberArgument? = nil, elementwiseAffine: Bool = true) {
        self.normalizedShape = normalizedShape; self.eps = eps; self.elementwiseAffine = elementwiseAffine
        super.init()
        registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : nil)
    }

    public override var extraRepr: String {
        "\(Module.tupleRepr(normalizedShape)), eps=\(eps?.description ?? "None"), elementwise_affine=\(elementwiseAffine ? "True" : "False")"
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
    public let size: Int
    public let alpha: NumberArgument
    public let beta: NumberArgument
    public let k: NumberArgument

    public init(size: Int, alpha: NumberArgument = 0.0001, beta: NumberArgument = 0.75, k: NumberArgument = 1.0) throws {
        guard size > 0 else { throw NNError.invalidArgument("LocalResponseNorm: size must be positive, got \(size)") }
        self.size = size; self.alpha = alpha; self.beta = beta; self.k = k
        super.init()
    }

    public override var extraRepr: String { "\(size), alpha=\(alpha), beta=\(beta), k=\(k)" }

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
