/// PyTorch's name of every `grad_fn` node the engine records, as `type(t.grad_fn).__name__` prints it
/// (`AddmmBackward0`, `EluBackward0`, `AccumulateGrad`, …). Ops name their node with a case of this enum, never
/// with a string, so a name is spelled once and a misspelling does not compile. The trailing digit is
/// PyTorch's overload number (`SumBackward0` is `sum()`, `SumBackward1` is `sum(dim)`), kept as PyTorch prints it.
public enum GradFnName: String, CaseIterable, Sendable {
    case absBackward0 = "AbsBackward0"
    case accumulateGrad = "AccumulateGrad"
    case adaptiveAvgPool2DBackward0 = "AdaptiveAvgPool2DBackward0"
    case adaptiveAvgPool3DBackward0 = "AdaptiveAvgPool3DBackward0"
    case adaptiveMaxPool2DBackward0 = "AdaptiveMaxPool2DBackward0"
    case adaptiveMaxPool3DBackward0 = "AdaptiveMaxPool3DBackward0"
    case addBackward0 = "AddBackward0"
    case addmmBackward0 = "AddmmBackward0"
    case aliasBackward0 = "AliasBackward0"
    case avgPool2DBackward0 = "AvgPool2DBackward0"
    case avgPool3DBackward0 = "AvgPool3DBackward0"
    case binaryCrossEntropyBackward0 = "BinaryCrossEntropyBackward0"
    case binaryCrossEntropyWithLogitsBackward0 = "BinaryCrossEntropyWithLogitsBackward0"
    case bmmBackward0 = "BmmBackward0"
    case catBackward0 = "CatBackward0"
    case clampBackward1 = "ClampBackward1"
    case cloneBackward0 = "CloneBackward0"
    case constantPadNdBackward0 = "ConstantPadNdBackward0"
    case convolutionBackward0 = "ConvolutionBackward0"
    case copySlices = "CopySlices"
    case cosBackward0 = "CosBackward0"
    case divBackward0 = "DivBackward0"
    case divBackward1 = "DivBackward1"
    case dotBackward0 = "DotBackward0"
    case eluBackward0 = "EluBackward0"
    case embeddingBackward0 = "EmbeddingBackward0"
    case expBackward0 = "ExpBackward0"
    case expandBackward0 = "ExpandBackward0"
    case gatherBackward0 = "GatherBackward0"
    case geluBackward0 = "GeluBackward0"
    case hardshrinkBackward0 = "HardshrinkBackward0"
    case hardsigmoidBackward0 = "HardsigmoidBackward0"
    case hardswishBackward0 = "HardswishBackward0"
    case hardtanhBackward0 = "HardtanhBackward0"
    case indexSelectBackward0 = "IndexSelectBackward0"
    case leakyReluBackward0 = "LeakyReluBackward0"
    case log1PBackward0 = "Log1PBackward0"
    case logBackward0 = "LogBackward0"
    case logSigmoidBackward0 = "LogSigmoidBackward0"
    case logsumexpBackward0 = "LogsumexpBackward0"
    case logSoftmaxBackward0 = "LogSoftmaxBackward0"
    case maskedFillBackward0 = "MaskedFillBackward0"
    case maxBackward0 = "MaxBackward0"
    case maxBackward1 = "MaxBackward1"
    case maxPool2DWithIndicesBackward0 = "MaxPool2DWithIndicesBackward0"
    case maxPool3DWithIndicesBackward0 = "MaxPool3DWithIndicesBackward0"
    case maxUnpool2DBackward0 = "MaxUnpool2DBackward0"
    case maxUnpool3DBackward0 = "MaxUnpool3DBackward0"
    case meanBackward0 = "MeanBackward0"
    case meanBackward1 = "MeanBackward1"
    case minBackward0 = "MinBackward0"
    case minBackward1 = "MinBackward1"
    case mishBackward0 = "MishBackward0"
    case mkldnnRnnLayerBackward0 = "MkldnnRnnLayerBackward0"
    case mmBackward0 = "MmBackward0"
    case mseLossBackward0 = "MseLossBackward0"
    case mulBackward0 = "MulBackward0"
    case mvBackward0 = "MvBackward0"
    case nativeBatchNormBackward0 = "NativeBatchNormBackward0"
    case nativeGroupNormBackward0 = "NativeGroupNormBackward0"
    case nativeLayerNormBackward0 = "NativeLayerNormBackward0"
    case negBackward0 = "NegBackward0"
    case nllLoss2DBackward0 = "NllLoss2DBackward0"
    case nllLossBackward0 = "NllLossBackward0"
    case permuteBackward0 = "PermuteBackward0"
    case pixelShuffleBackward0 = "PixelShuffleBackward0"
    case pixelUnshuffleBackward0 = "PixelUnshuffleBackward0"
    case powBackward0 = "PowBackward0"
    case powBackward1 = "PowBackward1"
    case reciprocalBackward0 = "ReciprocalBackward0"
    case reflectionPad1DBackward0 = "ReflectionPad1DBackward0"
    case reflectionPad2DBackward0 = "ReflectionPad2DBackward0"
    case reflectionPad3DBackward0 = "ReflectionPad3DBackward0"
    case reluBackward0 = "ReluBackward0"
    case repeatBackward0 = "RepeatBackward0"
    case replicationPad1DBackward0 = "ReplicationPad1DBackward0"
    case replicationPad2DBackward0 = "ReplicationPad2DBackward0"
    case replicationPad3DBackward0 = "ReplicationPad3DBackward0"
    case rsqrtBackward0 = "RsqrtBackward0"
    case rsubBackward1 = "RsubBackward1"
    case selectBackward0 = "SelectBackward0"
    case sigmoidBackward0 = "SigmoidBackward0"
    case siluBackward0 = "SiluBackward0"
    case sinBackward0 = "SinBackward0"
    case sliceBackward0 = "SliceBackward0"
    case smoothL1LossBackward0 = "SmoothL1LossBackward0"
    case softmaxBackward0 = "SoftmaxBackward0"
    case softplusBackward0 = "SoftplusBackward0"
    case softshrinkBackward0 = "SoftshrinkBackward0"
    case splitBackward0 = "SplitBackward0"
    case splitWithSizesBackward0 = "SplitWithSizesBackward0"
    case sqrtBackward0 = "SqrtBackward0"
    case squeezeBackward0 = "SqueezeBackward0"
    case squeezeBackward1 = "SqueezeBackward1"
    case squeezeBackward4 = "SqueezeBackward4"
    case stackBackward0 = "StackBackward0"
    case stdBackward0 = "StdBackward0"
    case subBackward0 = "SubBackward0"
    case sumBackward0 = "SumBackward0"
    case sumBackward1 = "SumBackward1"
    case tBackward0 = "TBackward0"
    case tanhBackward0 = "TanhBackward0"
    case thnnFusedGruCellBackward0 = "ThnnFusedGruCellBackward0"
    case thnnFusedLstmCellBackward0 = "ThnnFusedLstmCellBackward0"
    case thresholdBackward0 = "ThresholdBackward0"
    case transposeBackward0 = "TransposeBackward0"
    case trilBackward0 = "TrilBackward0"
    case triuBackward0 = "TriuBackward0"
    case unbindBackward0 = "UnbindBackward0"
    case unsafeViewBackward0 = "UnsafeViewBackward0"
    case unsqueezeBackward0 = "UnsqueezeBackward0"
    case upsampleBilinear2DBackward0 = "UpsampleBilinear2DBackward0"
    case upsampleLinear1DBackward0 = "UpsampleLinear1DBackward0"
    case upsampleNearest1DBackward0 = "UpsampleNearest1DBackward0"
    case upsampleNearest2DBackward0 = "UpsampleNearest2DBackward0"
    case upsampleNearest3DBackward0 = "UpsampleNearest3DBackward0"
    case upsampleNearestExact1DBackward0 = "UpsampleNearestExact1DBackward0"
    case upsampleNearestExact2DBackward0 = "UpsampleNearestExact2DBackward0"
    case upsampleNearestExact3DBackward0 = "UpsampleNearestExact3DBackward0"
    case upsampleTrilinear3DBackward0 = "UpsampleTrilinear3DBackward0"
    case varBackward0 = "VarBackward0"
    case viewBackward0 = "ViewBackward0"
    case whereBackward0 = "WhereBackward0"
}

extension GradFnName {
    /// `AvgPool2DBackward0` or `AvgPool3DBackward0` (1-d pooling runs as 2-d, as in PyTorch).
    static func avgPool(dims: Int) -> GradFnName { pick(dims, [2: .avgPool2DBackward0, 3: .avgPool3DBackward0]) }

    /// `AdaptiveAvgPool{2,3}DBackward0`.
    static func adaptiveAvgPool(dims: Int) -> GradFnName {
        pick(dims, [2: .adaptiveAvgPool2DBackward0, 3: .adaptiveAvgPool3DBackward0])
    }

    /// `AdaptiveMaxPool{2,3}DBackward0`.
    static func adaptiveMaxPool(dims: Int) -> GradFnName {
        pick(dims, [2: .adaptiveMaxPool2DBackward0, 3: .adaptiveMaxPool3DBackward0])
    }

    /// `MaxPool{2,3}DWithIndicesBackward0`.
    static func maxPool(dims: Int) -> GradFnName {
        pick(dims, [2: .maxPool2DWithIndicesBackward0, 3: .maxPool3DWithIndicesBackward0])
    }

    /// `MaxUnpool{2,3}DBackward0`.
    static func maxUnpool(dims: Int) -> GradFnName { pick(dims, [2: .maxUnpool2DBackward0, 3: .maxUnpool3DBackward0]) }

    /// `ReflectionPad{1,2,3}DBackward0`.
    static func reflectionPad(dims: Int) -> GradFnName {
        pick(dims, [1: .reflectionPad1DBackward0, 2: .reflectionPad2DBackward0, 3: .reflectionPad3DBackward0])
    }

    /// `ReplicationPad{1,2,3}DBackward0`.
    static func replicationPad(dims: Int) -> GradFnName {
        pick(dims, [1: .replicationPad1DBackward0, 2: .replicationPad2DBackward0, 3: .replicationPad3DBackward0])
    }

    /// `UpsampleNearest{1,2,3}DBackward0`.
    static func upsampleNearest(dims: Int) -> GradFnName {
        pick(dims, [1: .upsampleNearest1DBackward0, 2: .upsampleNearest2DBackward0, 3: .upsampleNearest3DBackward0])
    }

    /// `UpsampleNearestExact{1,2,3}DBackward0`.
    static func upsampleNearestExact(dims: Int) -> GradFnName {
        pick(dims, [1: .upsampleNearestExact1DBackward0, 2: .upsampleNearestExact2DBackward0,
                    3: .upsampleNearestExact3DBackward0])
    }

    /// `UpsampleLinear1DBackward0`, `UpsampleBilinear2DBackward0` or `UpsampleTrilinear3DBackward0`.
    static func upsampleLinear(dims: Int) -> GradFnName {
        pick(dims, [1: .upsampleLinear1DBackward0, 2: .upsampleBilinear2DBackward0, 3: .upsampleTrilinear3DBackward0])
    }

    /// The node for `dims` spatial dims; callers pass only the dims their op supports (a programmer error otherwise).
    private static func pick(_ dims: Int, _ byDims: [Int: GradFnName]) -> GradFnName {
        guard let name = byDims[dims] else { preconditionFailure("no grad_fn node for \(dims) spatial dims") }
        return name
    }
}
