import CkptTensor

// Piecewise-linear activations: one tensor op each (its gradient rule is in CkptTensor) and its schema.

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`: `x` clamped into `[min_val, max_val]`. `min_value` and
/// `max_value` are PyTorch's deprecated spellings; when given they win, as there.
public final class Hardtanh: UnaryModule {
    public static let schema = LayerSchema("Hardtanh", "min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None",
                                           repr: "min_val={min_val}, max_val={max_val}[, inplace={inplace}]", functional: .named("hardtanh"),
                                           attributes: { (m: Hardtanh) in ["min_val": m.minVal, "max_val": m.maxVal, "inplace": m.inplace] }) { a in
        try Hardtanh(minVal: try a["min_value"] ?? a["min_val"], maxVal: try a["max_value"] ?? a["max_val"], inplace: try a["inplace"])
    }
    public override var schema: LayerSchema? { Hardtanh.schema }
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
public final class ReLU6: UnaryModule {
    public static let schema = LayerSchema("ReLU6", "inplace=False", repr: "[inplace={inplace}]", functional: .named("relu6"),
                                           attributes: { (m: ReLU6) in ["inplace": m.inplace] }) { a in ReLU6(inplace: try a["inplace"]) }
    public override var schema: LayerSchema? { ReLU6.schema }
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardtanh(minVal: 0, maxVal: 6) }
}

/// `nn.Threshold(threshold, value, inplace=False)`: `x > threshold ? x : value`.
public final class Threshold: UnaryModule {
    public static let schema = LayerSchema("Threshold", "threshold, value, inplace=False", repr: "threshold={threshold}, value={value}[, inplace={inplace}]",
                                           functional: .named("threshold"),
                                           attributes: { (m: Threshold) in ["threshold": m.threshold, "value": m.value, "inplace": m.inplace] }) { a in
        Threshold(threshold: try a["threshold"], value: try a["value"], inplace: try a["inplace"])
    }
    public override var schema: LayerSchema? { Threshold.schema }
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
public final class Hardswish: UnaryModule {
    public static let schema = LayerSchema("Hardswish", "inplace=False", functional: .named("hardswish"),
                                           attributes: { (m: Hardswish) in ["inplace": m.inplace] }) { a in Hardswish(inplace: try a["inplace"]) }
    public override var schema: LayerSchema? { Hardswish.schema }
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardswish() }
}

/// `nn.Hardsigmoid(inplace=False)`: `relu6(x + 3)/6`. PyTorch prints no `inplace`.
public final class Hardsigmoid: UnaryModule {
    public static let schema = LayerSchema("Hardsigmoid", "inplace=False", functional: .named("hardsigmoid"),
                                           attributes: { (m: Hardsigmoid) in ["inplace": m.inplace] }) { a in Hardsigmoid(inplace: try a["inplace"]) }
    public override var schema: LayerSchema? { Hardsigmoid.schema }
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardsigmoid() }
}

/// `nn.Hardshrink(lambd=0.5)`: `x` where `|x| > lambd`, else 0. Printed as `Hardshrink(0.5)`.
public final class Hardshrink: UnaryModule {
    public static let schema = LayerSchema("Hardshrink", "lambd=0.5", repr: "{lambd}", functional: .named("hardshrink"),
                                           attributes: { (m: Hardshrink) in ["lambd": m.lambd] }) { a in Hardshrink(lambd: try a["lambd"]) }
    public override var schema: LayerSchema? { Hardshrink.schema }
    public let lambd: NumberArgument
    public init(lambd: NumberArgument = 0.5) { self.lambd = lambd; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.hardshrink(lambd: lambd.float) }
}

/// `nn.Softshrink(lambd=0.5)`: `x ∓ lambd` beyond `±lambd`, else 0. Printed as `Softshrink(0.5)`.
public final class Softshrink: UnaryModule {
    public static let schema = LayerSchema("Softshrink", "lambd=0.5", repr: "{lambd}", functional: .named("softshrink"),
                                           attributes: { (m: Softshrink) in ["lambd": m.lambd] }) { a in Softshrink(lambd: try a["lambd"]) }
    public override var schema: LayerSchema? { Softshrink.schema }
    public let lambd: NumberArgument
    public init(lambd: NumberArgument = 0.5) { self.lambd = lambd; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softshrink(lambd: lambd.float) }
}

extension LayerSchema {
    /// The piecewise-linear activations.
    static let piecewiseActivations: [LayerSchema] = [Hardtanh.schema, ReLU6.schema, Threshold.schema, Hardswish.schema, Hardsigmoid.schema, Hardshrink.schema, Softshrink.schema]
}
