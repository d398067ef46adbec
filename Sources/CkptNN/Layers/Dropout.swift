import CkptTensor

// Dropout: elementwise, by channel (Dropout1d/2d/3d, the alpha dropouts) and by sample (StochasticDepth).

/// `nn.Dropout(p=0.5, inplace=False)`: identity in eval mode.
public final class Dropout: UnaryModule {
    public static let schema = LayerSchema("Dropout", "p=0.5, inplace=False", repr: "p={p}, inplace={inplace}",
                                           attributes: { (m: Dropout) in ["p": m.p, "inplace": m.inplace] }) { a in
        try Dropout(p: try a["p"], inplace: try a["inplace"])
    }

    public let p: Double
    public let inplace: Bool
    public init(p: Double = 0.5, inplace: Bool = false) throws {
        guard (0 ... 1).contains(p) else { throw NNError.invalidArgument("dropout probability has to be between 0 and 1, but got \(p)") }
        self.p = p; self.inplace = inplace
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.dropout(p: Float(p), training: training) }
}

/// `nn.Dropout1d/2d/3d`, `nn.AlphaDropout` and `nn.FeatureAlphaDropout` (`p=0.5, inplace=False`).
///
/// In eval mode (or with `p=0`) the input passes unchanged, as in PyTorch. In training, the noise follows ATen's
/// `_dropout_impl`: DropoutNd and FeatureAlphaDropout draw one keep/drop decision per (sample, channel) and
/// broadcast it over the spatial dims; kept values are scaled by `1/(1−p)`. Alpha dropout keeps SELU's
/// self-normalising mean and variance: kept values become `a·x + α·a·p`, dropped ones `−α·a·(1−p)`, with
/// `α = 1.7580993408473766` and `a = 1/√((α²p + 1)(1−p))`. `p=1` gives zeros.
///
/// The random decisions come from ckpt's seeded `Generator`, not PyTorch's: which channels drop differs from
/// torch for the same seed; the distribution and the scaling are the same.
public final class FeatureDropout: UnaryModule {
    public enum Kind: String, Sendable, CaseIterable {
        case dropout1d = "Dropout1d", dropout2d = "Dropout2d", dropout3d = "Dropout3d"
        case alphaDropout = "AlphaDropout", featureAlphaDropout = "FeatureAlphaDropout"
    }

    public static let schemas: [Kind: LayerSchema] = Dictionary(uniqueKeysWithValues: Kind.allCases.map { kind in
        (kind, LayerSchema(kind.rawValue, "p=0.5, inplace=False", repr: "p={p}, inplace={inplace}",
                           attributes: { (m: FeatureDropout) in ["p": m.p, "inplace": m.inplace] }) { a in
            try FeatureDropout(kind, p: try a["p"], inplace: try a["inplace"])
        })
    })
    public override var schema: LayerSchema? { FeatureDropout.schemas[kind] }

    public let kind: Kind
    public let p: NumberArgument
    public let inplace: Bool
    /// Where the noise comes from (the process-wide seeded generator unless set).
    public var generator: Generator = .default

    public init(_ kind: Kind, p: NumberArgument = 0.5, inplace: Bool = false) throws {
        guard (0 ... 1).contains(p.value) else {
            throw NNError.invalidArgument("dropout probability has to be between 0 and 1, but got \(p)")
        }
        self.kind = kind; self.p = p; self.inplace = inplace
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case .dropout1d:
            guard x.rank == 2 || x.rank == 3 else {
                throw NNError.invalidArgument("dropout1d: Expected 2D or 3D input, but received a \(x.rank)D input. Note that dropout1d "
                                              + "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                                              + "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
            }
            return try unbatchedAware(x, batchedRank: 3)
        case .dropout2d:
            // PyTorch treats a 3-D input as (N, C, L) here (with a warning), not as an unbatched (C, H, W).
            return try apply(x, feature: true, alpha: false)
        case .dropout3d:
            return try unbatchedAware(x, batchedRank: 5)
        case .alphaDropout:
            return try apply(x, feature: false, alpha: true)
        case .featureAlphaDropout:
            return try apply(x, feature: true, alpha: true)
        }
    }

    /// Dropout1d and Dropout3d add a batch dim of 1 to an input without one, and take it off again.
    private func unbatchedAware(_ x: Tensor, batchedRank: Int) throws -> Tensor {
        guard x.rank != batchedRank, training, p.value > 0 else { return try apply(x, feature: true, alpha: false) }
        return try apply(try x.unsqueeze(0), feature: true, alpha: false).squeeze(0)
    }

    private func apply(_ x: Tensor, feature: Bool, alpha: Bool) throws -> Tensor {
        guard training, p.value > 0, x.numel > 0 else { return x }
        if p.value == 1 { return try x * Tensor(scalar: 0) }
        if feature, x.rank < 2 {
            throw NNError.invalidArgument("Feature dropout requires at least 2 dimensions in the input")
        }
        let noiseShape = feature ? [x.shape[0], x.shape[1]] + Array(repeating: 1, count: x.rank - 2) : x.shape
        let keep = Tensor.zeros(noiseShape)
        generator.fillUniform(keep.buffer)
        let q = Float(p.value)
        for i in 0 ..< keep.numel { keep.buffer[i] = keep.buffer[i] < q ? 0 : 1 }
        guard alpha else { return try x * (keep * Float(1 / (1 - p.value))) }
        let alphaConstant = 1.7580993408473766
        let a = 1 / ((alphaConstant * alphaConstant * p.value + 1) * (1 - p.value)).squareRoot()
        let shift = (keep - 1) * Float(alphaConstant * a) + Float(alphaConstant * a * p.value)
        return try x * (keep * Float(a)) + shift
    }
}

/// torchvision's `StochasticDepth(p, mode)` (`torchvision.ops.stochastic_depth`, EfficientNet, ConvNeXt): in
/// training, the whole input (`mode=batch`) or each sample (`mode=row`) is zeroed with probability `p`, survivors
/// scaled by `1/(1−p)`; identity in eval. Prints as `StochasticDepth(p=0.2, mode=row)`. Noise from ckpt's
/// generator, as `FeatureDropout`.
public final class StochasticDepth: UnaryModule {
    /// Whether whole batches or single samples drop.
    public enum Mode: String, Sendable, CaseIterable, ArgumentChoice { case batch, row }

    public static let schema = LayerSchema("StochasticDepth", "p, mode", repr: "p={p}, mode={mode}",
                                           attributes: { (m: StochasticDepth) in ["p": m.p, "mode": m.mode] }) { a in
        try StochasticDepth(p: try a["p"], mode: try a["mode"])
    }

    public let p: NumberArgument
    public let mode: Mode
    public var generator: Generator = .default

    public init(p: NumberArgument, mode: Mode) throws {
        guard (0 ... 1).contains(p.value) else { throw NNError.invalidArgument("drop probability has to be between 0 and 1, but got \(p)") }
        self.p = p; self.mode = mode
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard training, p.value > 0 else { return x }
        let shape = mode == .row && x.rank > 0 ? [x.shape[0]] + Array(repeating: 1, count: x.rank - 1) : Array(repeating: 1, count: x.rank)
        let noise = Tensor.zeros(shape)
        generator.fillUniform(noise.buffer)
        let survival = 1 - p.value
        let kept: Float = survival > 0 ? Float(1 / survival) : 1
        for i in 0 ..< noise.numel { noise.buffer[i] = noise.buffer[i] < Float(p.value) ? 0 : kept }
        return try x * noise
    }
}

extension LayerSchema {
    /// The dropout layers.
    static let dropouts: [LayerSchema] = [Dropout.schema] + FeatureDropout.schemas.values.sorted { $0.name < $1.name } + [StochasticDepth.schema]
}
