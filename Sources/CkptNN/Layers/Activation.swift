import CkptTensor

// Pointwise activations. Each is one tensor op (its gradient rule lives with the op in CkptTensor) and its schema,
// which also gives the functional form: `F.leaky_relu(x, 0.2)` builds what `nn.LeakyReLU(0.2)` is and runs it.

/// `nn.ReLU(inplace=False)`: `max(x, 0)`.
public final class ReLU: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(ReLU.self, "ReLU", functional: .named("relu", aliases: ["relu_"]))
    public override func forward(_ x: Tensor) throws -> Tensor { x.relu() }
}

/// `nn.LeakyReLU(negative_slope=0.01, inplace=False)`: `x > 0 ? x : slope·x`.
public final class LeakyReLU: UnaryModule {
    public static let schema = LayerSchema("LeakyReLU", "negative_slope=0.01, inplace=False", repr: "negative_slope={negative_slope}[, inplace={inplace}]",
                                           functional: .named("leaky_relu"),
                                           attributes: { (m: LeakyReLU) in ["negative_slope": m.negativeSlope, "inplace": m.inplace] }) { a in
        LeakyReLU(negativeSlope: try a["negative_slope"], inplace: try a["inplace"])
    }
    public let negativeSlope: Double
    public let inplace: Bool
    public init(negativeSlope: Double = 0.01, inplace: Bool = false) { self.negativeSlope = negativeSlope; self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.leakyRelu(Float(negativeSlope)) }
}

/// `nn.ELU(alpha=1.0, inplace=False)`: `x > 0 ? x : alpha·(eˣ − 1)`.
public final class ELU: UnaryModule {
    public static let schema = LayerSchema("ELU", "alpha=1.0, inplace=False", repr: "alpha={alpha}[, inplace={inplace}]", functional: .named("elu"),
                                           attributes: { (m: ELU) in ["alpha": m.alpha, "inplace": m.inplace] }) { a in
        ELU(alpha: try a["alpha"], inplace: try a["inplace"])
    }
    public let alpha: Double
    public let inplace: Bool
    public init(alpha: Double = 1, inplace: Bool = false) { self.alpha = alpha; self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.elu(alpha: Float(alpha)) }
}

/// `nn.CELU(alpha=1.0, inplace=False)`: `max(0, x) + min(0, alpha·(exp(x/alpha) − 1))`.
public final class CELU: UnaryModule {
    public static let schema = LayerSchema("CELU", "alpha=1.0, inplace=False", repr: "alpha={alpha}[, inplace={inplace}]", functional: .named("celu"),
                                           attributes: { (m: CELU) in ["alpha": m.alpha, "inplace": m.inplace] }) { a in
        CELU(alpha: try a["alpha"], inplace: try a["inplace"])
    }
    public let alpha: NumberArgument
    public let inplace: Bool
    public init(alpha: NumberArgument = 1.0, inplace: Bool = false) { self.alpha = alpha; self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.celu(alpha: alpha.value) }
}

/// `nn.SELU(inplace=False)`: `scale·elu(x, alpha)` with the self-normalising constants.
public final class SELU: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(SELU.self, "SELU", functional: .named("selu"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.selu() }
}

/// `nn.GELU(approximate='none')`: `x·Φ(x)`, exact or with PyTorch's tanh approximation.
public final class GELU: UnaryModule {
    public static let schema = LayerSchema("GELU", "approximate='none'", repr: "approximate={approximate!r}", functional: .named("gelu"),
                                           attributes: { (m: GELU) in ["approximate": m.approximate] }) { a in GELU(approximate: try a["approximate"]) }
    public let approximate: Tensor.GeluApproximation
    public init(approximate: Tensor.GeluApproximation = .none) { self.approximate = approximate; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.gelu(approximate: approximate) }
}

/// `nn.Softplus(beta=1.0, threshold=20.0)`: `log(1 + e^(βx))/β`, linear past the threshold.
public final class Softplus: UnaryModule {
    public static let schema = LayerSchema("Softplus", "beta=1.0, threshold=20.0", repr: "beta={beta}, threshold={threshold}",
                                           functional: .named("softplus"),
                                           attributes: { (m: Softplus) in ["beta": m.beta, "threshold": m.threshold] }) { a in
        Softplus(beta: try a["beta"], threshold: try a["threshold"])
    }
    public let beta: Double
    public let threshold: Double
    public init(beta: Double = 1, threshold: Double = 20) { self.beta = beta; self.threshold = threshold; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.softplus(beta: Float(beta), threshold: Float(threshold)) }
}

/// `nn.Sigmoid()`: `1/(1 + e⁻ˣ)`.
public final class Sigmoid: PlainActivation {
    public static let schema = LayerSchema.plainActivation(Sigmoid.self, "Sigmoid", functional: .named("sigmoid"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.sigmoid() }
}

/// `nn.Tanh()`: hyperbolic tangent.
public final class Tanh: PlainActivation {
    public static let schema = LayerSchema.plainActivation(Tanh.self, "Tanh", functional: .named("tanh"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.tanh() }
}

/// `nn.SiLU(inplace=False)`: `x·σ(x)`.
public final class SiLU: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(SiLU.self, "SiLU", functional: .named("silu"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.silu() }
}

/// `nn.Mish(inplace=False)`: `x·tanh(softplus(x))`.
public final class Mish: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(Mish.self, "Mish", functional: .named("mish"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.mish() }
}

/// `nn.LogSigmoid()`: `log σ(x)`.
public final class LogSigmoid: PlainActivation {
    public static let schema = LayerSchema.plainActivation(LogSigmoid.self, "LogSigmoid", functional: .named("logsigmoid"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.logSigmoid() }
}

/// `nn.Softsign()`: `x / (1 + |x|)`.
public final class Softsign: PlainActivation {
    public static let schema = LayerSchema.plainActivation(Softsign.self, "Softsign", functional: .named("softsign"))
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softsign() }
}

/// `nn.Tanhshrink()`: `x − tanh(x)`.
public final class Tanhshrink: PlainActivation {
    public static let schema = LayerSchema.plainActivation(Tanhshrink.self, "Tanhshrink", functional: .named("tanhshrink"))
    public override func forward(_ x: Tensor) throws -> Tensor { try x.tanhshrink() }
}

// Piecewise-linear activations.

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`: `x` clamped into `[min_val, max_val]`. `min_value` and
/// `max_value` are PyTorch's deprecated spellings; when given they win, as there.
public final class Hardtanh: UnaryModule {
    public static let schema = LayerSchema("Hardtanh", "min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None",
                                           repr: "min_val={min_val}, max_val={max_val}[, inplace={inplace}]", functional: .named("hardtanh"),
                                           attributes: { (m: Hardtanh) in ["min_val": m.minVal, "max_val": m.maxVal, "inplace": m.inplace] }) { a in
        try Hardtanh(minVal: try a["min_value"] ?? a["min_val"], maxVal: try a["max_value"] ?? a["max_val"], inplace: try a["inplace"])
    }
    public let minVal: NumberArgument
    public let maxVal: NumberArgument
    public let inplace: Bool

    /// PyTorch asserts `max_val > min_val` when constructing.
    public init(minVal: NumberArgument = -1.0, maxVal: NumberArgument = 1.0, inplace: Bool = false) throws {
        guard maxVal.value > minVal.value else { throw NNError.invalidArgument("Hardtanh: max_val must be greater than min_val") }
        self.minVal = minVal; self.maxVal = maxVal; self.inplace = inplace
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor { x.hardtanh(minVal: minVal.float, maxVal: maxVal.float) }
}

/// `nn.ReLU6(inplace=False)`: `hardtanh(x, 0, 6)`.
public final class ReLU6: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(ReLU6.self, "ReLU6", functional: .named("relu6"))
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardtanh(minVal: 0, maxVal: 6) }
}

/// `nn.Threshold(threshold, value, inplace=False)`: `x > threshold ? x : value`.
public final class Threshold: UnaryModule {
    public static let schema = LayerSchema("Threshold", "threshold, value, inplace=False", repr: "threshold={threshold}, value={value}[, inplace={inplace}]",
                                           functional: .named("threshold"),
                                           attributes: { (m: Threshold) in ["threshold": m.threshold, "value": m.value, "inplace": m.inplace] }) { a in
        Threshold(threshold: try a["threshold"], value: try a["value"], inplace: try a["inplace"])
    }
    public let threshold: NumberArgument
    public let value: NumberArgument
    public let inplace: Bool
    public init(threshold: NumberArgument, value: NumberArgument, inplace: Bool = false) {
        self.threshold = threshold; self.value = value; self.inplace = inplace
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { x.threshold(threshold.float, value: value.float) }
}

/// `nn.Hardswish(inplace=False)`: `x·relu6(x + 3)/6`. PyTorch prints no `inplace`.
public final class Hardswish: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(Hardswish.self, "Hardswish", functional: .named("hardswish"), printsInplace: false)
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardswish() }
}

/// `nn.Hardsigmoid(inplace=False)`: `relu6(x + 3)/6`. PyTorch prints no `inplace`.
public final class Hardsigmoid: InplaceActivation {
    public static let schema = LayerSchema.inplaceActivation(Hardsigmoid.self, "Hardsigmoid", functional: .named("hardsigmoid"), printsInplace: false)
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardsigmoid() }
}

/// `nn.Hardshrink(lambd=0.5)`: `x` where `|x| > lambd`, else 0. Printed as `Hardshrink(0.5)`.
public final class Hardshrink: UnaryModule {
    public static let schema = LayerSchema("Hardshrink", "lambd=0.5", repr: "{lambd}", functional: .named("hardshrink"),
                                           attributes: { (m: Hardshrink) in ["lambd": m.lambd] }) { a in Hardshrink(lambd: try a["lambd"]) }
    public let lambd: NumberArgument
    public init(lambd: NumberArgument = 0.5) { self.lambd = lambd; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardshrink(lambd: lambd.float) }
}

/// `nn.Softshrink(lambd=0.5)`: `x ∓ lambd` beyond `±lambd`, else 0. Printed as `Softshrink(0.5)`.
public final class Softshrink: UnaryModule {
    public static let schema = LayerSchema("Softshrink", "lambd=0.5", repr: "{lambd}", functional: .named("softshrink"),
                                           attributes: { (m: Softshrink) in ["lambd": m.lambd] }) { a in Softshrink(lambd: try a["lambd"]) }
    public let lambd: NumberArgument
    public init(lambd: NumberArgument = 0.5) { self.lambd = lambd; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softshrink(lambd: lambd.float) }
}

/// An activation with no arguments (`nn.Sigmoid()`).
public class PlainActivation: UnaryModule {
    public required override init() { super.init() }
}

/// An activation whose one argument is `inplace` (`nn.ReLU(inplace=False)`): it changes what PyTorch overwrites,
/// not what ckpt computes, and is printed as PyTorch prints it.
public class InplaceActivation: UnaryModule {
    public let inplace: Bool
    public required init(inplace: Bool = false) { self.inplace = inplace; super.init() }
}

extension LayerSchema {
    /// The schema of an activation with no arguments.
    static func plainActivation<M: PlainActivation>(_ type: M.Type, _ name: String, functional: Functional) -> LayerSchema {
        LayerSchema(name, "", functional: functional) { _ in M() }
    }

    /// The schema of an activation whose one argument is `inplace`; `printsInplace` is false for those whose
    /// printout omits it (`Hardswish()`).
    static func inplaceActivation<M: InplaceActivation>(_ type: M.Type, _ name: String, functional: Functional,
                                                         printsInplace: Bool = true) -> LayerSchema {
        LayerSchema(name, "inplace=False", repr: printsInplace ? "[inplace={inplace}]" : "", functional: functional,
                    attributes: { (m: M) in ["inplace": m.inplace] }) { a in M(inplace: try a["inplace"]) }
    }

    /// The pointwise activations.
    static let activations: [LayerSchema] = [
        ReLU.schema, LeakyReLU.schema, ELU.schema, CELU.schema, SELU.schema, GELU.schema, Softplus.schema, Sigmoid.schema, Tanh.schema, SiLU.schema, Mish.schema, LogSigmoid.schema, Softsign.schema, Tanhshrink.schema,
        Hardtanh.schema, ReLU6.schema, Threshold.schema, Hardswish.schema, Hardsigmoid.schema, Hardshrink.schema, Softshrink.schema,
    ]
}
