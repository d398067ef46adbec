import CkptTensor

/// `nn.BatchNorm1d/2d/3d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)`: parameters
/// `weight`, `bias`; buffers `running_mean`, `running_var`, `num_batches_tracked` (int64).
public final class BatchNorm: UnaryModule {
    public let dims: Int
    public let numFeatures: Int
    public let eps: Double
    /// nil is PyTorch's `momentum=None` (a cumulative moving average).
    public let momentum: Double?
    public let affine: Bool
    public let trackRunningStats: Bool

    public init(dims: Int, _ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        self.dims = dims; self.numFeatures = numFeatures; self.eps = eps; self.momentum = momentum
        self.affine = affine; self.trackRunningStats = trackRunningStats
        super.init()
        registerParameter("weight", affine ? Tensor.ones([numFeatures]) : nil)
        registerParameter("bias", affine ? Tensor.zeros([numFeatures]) : nil)
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros([numFeatures]) : nil)
        registerBuffer("running_var", trackRunningStats ? Tensor.ones([numFeatures]) : nil)
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil)
    }

    public override var typeName: String { "BatchNorm\(dims)d" }

    public override var extraRepr: String {
        let flag = affine ? "True" : "False"
        return "\(numFeatures), eps=\(Module.floatRepr(eps)), momentum=\(momentum.map(Module.floatRepr) ?? "None"), affine=\(flag), "
            + "bias=\(flag), track_running_stats=\(trackRunningStats ? "True" : "False")"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let useBatchStats = training || !trackRunningStats
        var factor = momentum ?? 0
        if training, trackRunningStats, let n = buffer("num_batches_tracked") {
            n.buffer[0] += 1
            if momentum == nil { factor = 1 / Double(n.buffer[0]) }
        }
        return try x.batchNorm(runningMean: training ? buffer("running_mean") : (trackRunningStats ? buffer("running_mean") : nil),
                               runningVar: training ? buffer("running_var") : (trackRunningStats ? buffer("running_var") : nil),
                               weight: parameter("weight"), bias: parameter("bias"), training: useBatchStats,
                               momentum: factor, eps: eps)
    }
}

/// `nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True)`.
public final class LayerNorm: UnaryModule {
    public let normalizedShape: [Int]
    public let eps: Double
    public let elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.normalizedShape = normalizedShape; self.eps = eps; self.elementwiseAffine = elementwiseAffine
        super.init()
        registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : nil)
        registerParameter("bias", elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : nil)
    }

    public override var extraRepr: String {
        "\(Module.tupleRepr(normalizedShape)), eps=\(Module.floatRepr(eps)), elementwise_affine=\(elementwiseAffine ? "True" : "False"), "
            + "bias=\(parameter("bias") == nil ? "False" : "True")"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(normalizedShape: normalizedShape, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// `nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True)`.
public final class GroupNorm: UnaryModule {
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

    public override var extraRepr: String {
        "\(numGroups), \(numChannels), eps=\(Module.floatRepr(eps)), affine=\(affine ? "True" : "False"), bias=\(affine ? "True" : "False")"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.groupNorm(numGroups: numGroups, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}
