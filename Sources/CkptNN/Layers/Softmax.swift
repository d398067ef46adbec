import CkptTensor

// Activations along a dimension: softmax, log-softmax, softmin, softmax over channels, GLU; and PReLU, whose slope
// is per channel.

/// `nn.Softmax(dim=None)`: `dim=None` picks PyTorch's legacy implicit dim (with a warning there): 0 for 0-, 1- and
/// 3-d inputs, else 1. `F.softmax`, `torch.softmax` and `x.softmax` are this layer's functional form, so the rule
/// lives here once.
public final class Softmax: UnaryModule {
    public static let schema = LayerSchema.optionalDim("Softmax", function: "softmax", value: \.dim, make: Softmax.init)
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softmax(dim: dim ?? Softmax.legacyDim(x.rank)) }

    /// PyTorch's implicit dim choice when `dim=None` (`_get_softmax_dim`).
    public static func legacyDim(_ rank: Int) -> Int { rank == 0 || rank == 1 || rank == 3 ? 0 : 1 }
}

/// `nn.LogSoftmax(dim=None)`, with Softmax's implicit dim.
public final class LogSoftmax: UnaryModule {
    public static let schema = LayerSchema.optionalDim("LogSoftmax", function: "log_softmax", value: \.dim, make: LogSoftmax.init)
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.logSoftmax(dim: dim ?? Softmax.legacyDim(x.rank)) }
}

/// `nn.Softmin(dim=None)`: `softmax(−x)`, with Softmax's implicit dim.
public final class Softmin: UnaryModule {
    public static let schema = LayerSchema.optionalDim("Softmin", function: "softmin", value: \.dim, make: Softmin.init)
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.negated().softmax(dim: dim ?? Softmax.legacyDim(x.rank)) }
}

/// `nn.Softmax2d()`: softmax over the channels of a `(C, H, W)` or `(N, C, H, W)` input.
public final class Softmax2d: UnaryModule {
    public static let schema = LayerSchema("Softmax2d", "") { _ in Softmax2d() }
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3 || x.rank == 4 else {
            throw NNError.invalidArgument("Softmax2d: expected input to be 3D or 4D, got \(x.rank)D instead")
        }
        return try x.softmax(dim: -3)
    }
}

/// `nn.GLU(dim=-1)`: the input halved along `dim` into `a, b`, then `a·σ(b)`.
public final class GLU: UnaryModule {
    public static let schema = LayerSchema("GLU", "dim=-1", repr: "dim={dim}", functional: .named("glu"),
                                           attributes: { (m: GLU) in ["dim": m.dim] }) { a in GLU(dim: try a["dim"]) }
    public let dim: Int
    public init(dim: Int = -1) { self.dim = dim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.glu(dim: dim) }
}

/// `nn.PReLU(num_parameters=1, init=0.25)`: `x > 0 ? x : a·x` with a learnt slope `weight` of `[num_parameters]`,
/// one per channel (dim 1) when there is more than one. PyTorch prints only `num_parameters`.
public final class PReLU: UnaryModule {
    public static let schema = LayerSchema("PReLU", "num_parameters=1, init=0.25, device=None, dtype=None", repr: "num_parameters={num_parameters}",
                                           attributes: { (m: PReLU) in ["num_parameters": m.numParameters] }) { a in
        PReLU(numParameters: try a["num_parameters"], initialValue: try a["init"])
    }
    public let numParameters: Int

    public init(numParameters: Int = 1, initialValue: Double = 0.25) {
        self.numParameters = numParameters
        super.init()
        registerParameter("weight", Tensor.full([numParameters], Float(initialValue)))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("PReLU has no weight") }
        return try x.prelu(w)
    }
}

extension LayerSchema {
    /// The activations along a dimension.
    static let softmaxes: [LayerSchema] = [Softmax.schema, LogSoftmax.schema, Softmin.schema, Softmax2d.schema, GLU.schema, PReLU.schema]
}
