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

    /// A `reduction` string (`'mean'`, `'sum'`, `'none'`, and `'batchmean'` for KLDivLoss) as a `Reduction`.
    public static func reduction(_ s: String) throws -> Reduction {
        guard let r = Reduction(rawValue: s) else { throw NNError.invalidArgument("\(s) is not a valid value for reduction") }
        return r
    }
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
