import CkptTensor

// Normalisation with running statistics: BatchNorm and InstanceNorm (`_NormBase`).

/// `_NormBase.extra_repr`.
private let runningStatsRepr = "{num_features}, eps={eps}, momentum={momentum}, affine={affine}, bias={bias}, track_running_stats={track_running_stats}"

/// `nn.BatchNorm1d/2d/3d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)`: parameters
/// `weight`, `bias`; buffers `running_mean`, `running_var`, `num_batches_tracked` (int64).
public final class BatchNorm: UnaryModule {
    public static let schemas = (1 ... 3).map { dims in
        LayerSchema("BatchNorm\(dims)d", "num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, bias=True, device=None, dtype=None",
                    repr: runningStatsRepr, attributes: { (m: BatchNorm) in
            ["num_features": m.numFeatures, "eps": m.eps, "momentum": m.momentum, "affine": m.affine, "bias": m.affine,
             "track_running_stats": m.trackRunningStats]
        }) { a in
            BatchNorm(dims: dims, try a["num_features"], eps: try a["eps"], momentum: try a["momentum"], affine: try a["affine"],
                      trackRunningStats: try a["track_running_stats"])
        }
    }
    public override var schema: LayerSchema? { BatchNorm.schemas[dims - 1] }

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

/// `nn.InstanceNorm1d/2d/3d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, *,
/// bias=True)`: each channel of each sample normalised over its spatial positions. With `affine`, parameters
/// `weight` (ones) and `bias` (zeros, unless `bias=False`); with `track_running_stats`, buffers `running_mean`,
/// `running_var` and `num_batches_tracked` (int64; InstanceNorm never increments it, as in PyTorch).
///
/// As PyTorch: training, or not tracking, uses each instance's statistics (and, when tracking, moves the running
/// ones by `momentum`, `None` meaning 0); eval with tracked statistics normalises with the running ones. An input
/// without a batch dim (`(C, L)` for 1d) is treated as a batch of one.
public final class InstanceNorm: UnaryModule {
    public static let schemas = (1 ... 3).map { dims in
        LayerSchema("InstanceNorm\(dims)d", "num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, "
                    + "dtype=None, bias=True", repr: runningStatsRepr, attributes: { (m: InstanceNorm) in
            ["num_features": m.numFeatures, "eps": m.eps, "momentum": m.momentum, "affine": m.affine, "bias": m.parameter("bias") != nil,
             "track_running_stats": m.trackRunningStats]
        }) { a in
            InstanceNorm(dims: dims, try a["num_features"], eps: try a["eps"], momentum: try a["momentum"], affine: try a["affine"],
                         trackRunningStats: try a["track_running_stats"], bias: try a["bias"])
        }
    }
    public override var schema: LayerSchema? { InstanceNorm.schemas[dims - 1] }

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

extension LayerSchema {
    /// The normalisation with running statistics.
    static let runningStatsNorms: [LayerSchema] = BatchNorm.schemas + InstanceNorm.schemas
}
