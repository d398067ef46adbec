import CkptTensor

/// The base of the loss modules: `forward(input, target)` on two tensors, with PyTorch's `reduction`.
open class LossModule: Module {
    public let reduction: Reduction

    public init(reduction: Reduction = .mean) { self.reduction = reduction; super.init() }

    /// The loss of `input` against `target`.
    open func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        throw NNError.notImplemented("\(typeName) has no forward pass in ckpt")
    }

    /// `loss(input, target)`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) throws -> Tensor { try forward(input, target) }

    open override var forwardParameterNames: [String] { ["input", "target"] }

    open override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("\(typeName).forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try forward(try args[0].asTensor("\(typeName) input"), try args[1].asTensor("\(typeName) target")))
    }

    /// The loss classes. A class `weight` is a tensor a model file cannot spell, so it is refused rather than ignored;
    /// each loss's functional form (`F.mse_loss(input, target)`) is derived from it.
    public static let schemas: [LayerSchema] = [
        schema("L1Loss", "l1_loss", "size_average=None, reduce=None, reduction='mean'") { a in L1Loss(reduction: try a["reduction"]) },
        schema("MSELoss", "mse_loss", "size_average=None, reduce=None, reduction='mean'") { a in MSELoss(reduction: try a["reduction"]) },
        schema("CrossEntropyLoss", "cross_entropy",
               "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0") { a in
            CrossEntropyLoss(ignoreIndex: try a["ignore_index"], reduction: try a["reduction"], labelSmoothing: try a["label_smoothing"])
        },
        schema("NLLLoss", "nll_loss", "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'") { a in
            NLLLoss(ignoreIndex: try a["ignore_index"], reduction: try a["reduction"])
        },
        schema("KLDivLoss", "kl_div", "size_average=None, reduce=None, reduction='mean', log_target=False") { a in
            KLDivLoss(reduction: try a["reduction"], logTarget: try a["log_target"])
        },
        schema("BCELoss", "binary_cross_entropy", "weight=None, size_average=None, reduce=None, reduction='mean'") { a in
            BCELoss(reduction: try a["reduction"])
        },
        schema("BCEWithLogitsLoss", "binary_cross_entropy_with_logits",
               "weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None") { a in BCEWithLogitsLoss(reduction: try a["reduction"]) },
    ]

    private static func schema(_ name: String, _ function: String, _ signature: String,
                               _ build: @escaping (LayerArguments) throws -> LossModule) -> LayerSchema {
        LayerSchema(name, signature, functional: .named(function, inputs: ["input", "target"])) { (a: LayerArguments) -> LossModule in
            if a.isGiven("weight") || a.isGiven("pos_weight") {
                throw NNError.notImplemented("\(a.className)(weight=…) is not supported in model files")
            }
            return try build(a)
        }
    }

    public override var schema: LayerSchema? { LossModule.schemas.first { $0.name == String(describing: type(of: self)) } }
}

/// `nn.L1Loss(reduction='mean')`.
public final class L1Loss: LossModule {
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor { try Tensor.l1Loss(input, target, reduction: reduction) }
}

/// `nn.MSELoss(reduction='mean')`.
public final class MSELoss: LossModule {
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor { try Tensor.mseLoss(input, target, reduction: reduction) }
}

/// `nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)`.
public final class CrossEntropyLoss: LossModule {
    public let ignoreIndex: Int
    public let labelSmoothing: Double
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Double = 0) {
        self.ignoreIndex = ignoreIndex; self.labelSmoothing = labelSmoothing
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try Tensor.crossEntropy(input, target, weight: buffer("weight"), ignoreIndex: ignoreIndex, reduction: reduction,
                                labelSmoothing: Float(labelSmoothing))
    }
}

/// `nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')`.
public final class NLLLoss: LossModule {
    public let ignoreIndex: Int
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.ignoreIndex = ignoreIndex
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try Tensor.nllLoss(input, target, weight: buffer("weight"), ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

/// `nn.KLDivLoss(reduction='mean', log_target=False)`.
public final class KLDivLoss: LossModule {
    public let logTarget: Bool
    public init(reduction: Reduction = .mean, logTarget: Bool = false) { self.logTarget = logTarget; super.init(reduction: reduction) }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try Tensor.klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}

/// `nn.BCELoss(weight=None, reduction='mean')`.
public final class BCELoss: LossModule {
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) { super.init(reduction: reduction); registerBuffer("weight", weight) }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try Tensor.binaryCrossEntropy(input, target, weight: buffer("weight"), reduction: reduction)
    }
}

/// `nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)`.
public final class BCEWithLogitsLoss: LossModule {
    public init(weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil) {
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
        registerBuffer("pos_weight", posWeight)
    }
    public override func forward(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try Tensor.binaryCrossEntropyWithLogits(input, target, weight: buffer("weight"), posWeight: buffer("pos_weight"), reduction: reduction)
    }
}

extension LayerSchema {
    /// The losses.
    static let losses: [LayerSchema] = LossModule.schemas
}
