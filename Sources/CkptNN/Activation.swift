import CkptTensor

/// `nn.ReLU(inplace=False)`.
public final class ReLU: UnaryModule {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
    public override func forward(_ x: Tensor) throws -> Tensor { x.relu() }
}

/// `nn.LeakyReLU(negative_slope=0.01)`.
public final class LeakyReLU: UnaryModule {
    public let negativeSlope: Double
    public let inplace: Bool
    public init(negativeSlope: Double = 0.01, inplace: Bool = false) { self.negativeSlope = negativeSlope; self.inplace = inplace; super.init() }
    public override var extraRepr: String { "negative_slope=\(Module.floatRepr(negativeSlope))" + (inplace ? ", inplace=True" : "") }
    public override func forward(_ x: Tensor) throws -> Tensor { x.leakyRelu(Float(negativeSlope)) }
}

/// `nn.ELU(alpha=1.0)`.
public final class ELU: UnaryModule {
    public let alpha: Double
    public let inplace: Bool
    public init(alpha: Double = 1, inplace: Bool = false) { self.alpha = alpha; self.inplace = inplace; super.init() }
    public override var extraRepr: String { "alpha=\(Module.floatRepr(alpha))" + (inplace ? ", inplace=True" : "") }
    public override func forward(_ x: Tensor) throws -> Tensor { x.elu(alpha: Float(alpha)) }
}

/// `nn.GELU(approximate='none')`.
public final class GELU: UnaryModule {
    public let approximate: String
    public init(approximate: String = "none") { self.approximate = approximate; super.init() }
    public override var extraRepr: String { "approximate='\(approximate)'" }
    public override func forward(_ x: Tensor) throws -> Tensor { x.gelu(approximate: approximate == "tanh" ? .tanh : .none) }
}

/// `nn.Sigmoid()`.
public final class Sigmoid: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.sigmoid() }
}

/// `nn.Tanh()`.
public final class Tanh: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.tanh() }
}

/// `nn.Softplus(beta=1.0, threshold=20.0)`.
public final class Softplus: UnaryModule {
    public let beta: Double
    public let threshold: Double
    public init(beta: Double = 1, threshold: Double = 20) { self.beta = beta; self.threshold = threshold; super.init() }
    public override var extraRepr: String { "beta=\(Module.floatRepr(beta)), threshold=\(Module.floatRepr(threshold))" }
    public override func forward(_ x: Tensor) throws -> Tensor { x.softplus(beta: Float(beta), threshold: Float(threshold)) }
}

/// `nn.Softmax(dim=None)`.
public final class Softmax: UnaryModule {
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    public override var extraRepr: String { "dim=\(dim.map(String.init) ?? "None")" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softmax(dim: dim ?? Softmax.legacyDim(x.rank)) }
    /// PyTorch's implicit dim choice when `dim=None`: 0 for 0-, 1- and 3-d inputs, else 1.
    static func legacyDim(_ rank: Int) -> Int { rank == 0 || rank == 1 || rank == 3 ? 0 : 1 }
}

/// `nn.LogSoftmax(dim=None)`.
public final class LogSoftmax: UnaryModule {
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    public override var extraRepr: String { "dim=\(dim.map(String.init) ?? "None")" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.logSoftmax(dim: dim ?? Softmax.legacyDim(x.rank)) }
}
