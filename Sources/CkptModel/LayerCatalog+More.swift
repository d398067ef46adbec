import CkptNN
import CkptTensor

extension LayerCatalog {
    /// Transposed convolution, padding, resampling, two-input layers and the loss modules.
    mutating func registerMore() {
        register("ConvTranspose2d", Entry(["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups",
                                           "bias", "dilation", "padding_mode", "device", "dtype"]) { a in
            guard try a.string("padding_mode", default: "zeros") == "zeros" else {
                throw ModelFileError(line: a.spec.line, "ConvTranspose2d only supports padding_mode='zeros'")
            }
            return try ConvTranspose2d(try a.int("in_channels"), try a.int("out_channels"), kernelSize: try a.size("kernel_size"),
                                       stride: try a.size("stride", default: SizeArgument(1)), padding: try a.size("padding", default: SizeArgument(0)),
                                       outputPadding: try a.size("output_padding", default: SizeArgument(0)), groups: try a.int("groups", default: 1),
                                       bias: try a.bool("bias", default: true), dilation: try a.size("dilation", default: SizeArgument(1)))
        })
        register("MaxUnpool2d", Entry(["kernel_size", "stride", "padding"]) { a in
            MaxUnpool2d(kernelSize: try a.size("kernel_size"), stride: try a.optionalSize("stride"), padding: try a.size("padding", default: SizeArgument(0)))
        })
        register("ZeroPad2d", Entry(["padding"]) { a in try Pad2d(mode: .constant, padding: try a.size("padding"), zero: true) })
        register("ConstantPad2d", Entry(["padding", "value"]) { a in
            let raw = a.value("value")
            let repr: String? = if case .some(.int(let i)) = raw { String(i) } else { nil }
            return try Pad2d(mode: .constant, padding: try a.size("padding").tupled(4), value: try a.double("value", default: 0), valueRepr: repr)
        })
        register("ReflectionPad2d", Entry(["padding"]) { a in try Pad2d(mode: .reflect, padding: try a.size("padding")) })
        register("ReplicationPad2d", Entry(["padding"]) { a in try Pad2d(mode: .replicate, padding: try a.size("padding")) })
        register("PixelShuffle", Entry(["upscale_factor"]) { a in PixelShuffle(try a.int("upscale_factor")) })
        register("Unflatten", Entry(["dim", "unflattened_size"]) { a in
            Unflatten(dim: try a.int("dim"), unflattenedSize: try a.intList("unflattened_size"))
        })
        register("CosineSimilarity", Entry(["dim", "eps"]) { a in
            CosineSimilarity(dim: try a.int("dim", default: 1), eps: try a.double("eps", default: 1e-8))
        })
        register("Bilinear", Entry(["in1_features", "in2_features", "out_features", "bias", "device", "dtype"]) { a in
            Bilinear(try a.int("in1_features"), try a.int("in2_features"), try a.int("out_features"), bias: try a.bool("bias", default: true))
        })
        func scale(_ a: LayerArguments) throws -> ([Double]?, Bool) {
            switch a.value("scale_factor") {
            case .some(.tuple(let items)):
                return (try items.map { v -> Double in
                    switch v {
                    case .int(let i): return Double(i)
                    case .float(let d): return d
                    default: throw ModelFileError(line: a.spec.line, "scale_factor must be numbers")
                    }
                }, false)
            case nil, .some(ArgValue.none): return (nil, true)
            default: return ([try a.double("scale_factor", default: 1)], true)
            }
        }
        register("Upsample", Entry(["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"]) { a in
            let (s, scalar) = try scale(a)
            return try Upsample(size: try a.optionalSize("size"), scaleFactor: s, scaleIsScalar: scalar,
                                mode: try a.string("mode", default: "nearest"),
                                alignCorners: a.has("align_corners") ? try a.bool("align_corners", default: false) : nil)
        })
        register("UpsamplingBilinear2d", Entry(["size", "scale_factor", "mode"]) { a in
            let (s, scalar) = try scale(a)
            return try Upsample(size: try a.optionalSize("size"), scaleFactor: s, scaleIsScalar: scalar, bilinear2d: true)
        })
        registerLosses()
    }

    private mutating func registerLosses() {
        func reduction(_ a: LayerArguments) throws -> Reduction {
            // A class weight is a tensor a model file cannot spell; refuse it rather than ignore it.
            if a.has("weight") || a.has("pos_weight") {
                throw ModelFileError(line: a.spec.line, "\(a.spec.className)(weight=…) is not supported in model files")
            }
            do { return try LossModule.reduction(try a.string("reduction", default: "mean")) } catch {
                throw ModelFileError(line: a.spec.line, "\(a.spec.className)(): \(error)")
            }
        }
        let common = ["size_average", "reduce", "reduction"]
        register("L1Loss", Entry(common) { a in L1Loss(reduction: try reduction(a)) })
        register("MSELoss", Entry(common) { a in MSELoss(reduction: try reduction(a)) })
        register("CrossEntropyLoss", Entry(["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"]) { a in
            CrossEntropyLoss(ignoreIndex: try a.int("ignore_index", default: -100), reduction: try reduction(a),
                             labelSmoothing: try a.double("label_smoothing", default: 0))
        })
        register("NLLLoss", Entry(["weight", "size_average", "ignore_index", "reduce", "reduction"]) { a in
            NLLLoss(ignoreIndex: try a.int("ignore_index", default: -100), reduction: try reduction(a))
        })
        register("KLDivLoss", Entry(common + ["log_target"]) { a in
            KLDivLoss(reduction: try reduction(a), logTarget: try a.bool("log_target", default: false))
        })
        register("BCELoss", Entry(["weight"] + common) { a in BCELoss(reduction: try reduction(a)) })
        register("BCEWithLogitsLoss", Entry(["weight"] + common + ["pos_weight"]) { a in BCEWithLogitsLoss(reduction: try reduction(a)) })
    }
}
