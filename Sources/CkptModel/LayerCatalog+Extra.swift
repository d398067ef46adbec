import CkptNN

extension LayerArguments {
    /// A number keeping the int-or-float form PyTorch prints back (`value=20` vs `value=20.0`).
    func number(_ name: String, default d: NumberArgument) throws -> NumberArgument {
        try optionalNumber(name) ?? d
    }

    /// A number, or nil when absent or None.
    func optionalNumber(_ name: String) throws -> NumberArgument? {
        switch value(name) {
        case nil, .some(.none): return nil
        case .some(.int(let i)): return NumberArgument(integer: i)
        case .some(.float(let d)): return NumberArgument(d)
        case .some(let other): throw ModelFileError(line: spec.line, "\(spec.className)(): '\(name)' must be a number, got \(other)")
        }
    }

    /// A required number.
    func number(_ name: String) throws -> NumberArgument {
        guard let n = try optionalNumber(name) else { throw ModelFileError(line: spec.line, "\(spec.className)(): missing '\(name)'") }
        return n
    }

    /// An adaptive pool's `output_size`: an int or a tuple of ints and Nones, and whether it was one int.
    func adaptiveSize(_ name: String) throws -> (sizes: [Int?], isScalar: Bool) {
        func element(_ v: ArgValue) throws -> Int? {
            switch v {
            case .int(let i): return i
            case .none: return nil
            default: throw ModelFileError(line: spec.line, "\(spec.className)(): '\(name)' must be ints or None, got \(v)")
            }
        }
        switch value(name) {
        case .some(.tuple(let items)): return (try items.map(element), false)
        case .some(let v): return ([try element(v)], true)
        case nil: throw ModelFileError(line: spec.line, "\(spec.className)(): missing '\(name)'")
        }
    }
}

extension LayerCatalog {
    /// More torch.nn activations, dropout, adaptive pooling and normalisation layers, and the Hugging Face classes
    /// common in transformers printouts (`Conv1D(nf=…, nx=…)`, `…RMSNorm((N,), eps=…)`, `NewGELUActivation()`, …).
    mutating func registerExtra() {
        registerExtraActivations()
        registerExtraLayers()
        registerHuggingFace()
    }

    /// Wraps an engine error as a model-file error on the layer's line.
    static func onLine<T>(_ a: LayerArguments, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as NNError { throw ModelFileError(line: a.spec.line, "\(a.spec.className)(): \(error)") }
    }

    private mutating func registerExtraActivations() {
        let inplaceOnly: [(String, (Bool) -> Module)] = [
            ("SiLU", { SiLU(inplace: $0) }), ("Mish", { Mish(inplace: $0) }), ("Hardswish", { Hardswish(inplace: $0) }),
            ("Hardsigmoid", { Hardsigmoid(inplace: $0) }), ("ReLU6", { ReLU6(inplace: $0) }), ("SELU", { SELU(inplace: $0) }),
        ]
        for (name, make) in inplaceOnly {
            register(name, Entry(["inplace"]) { a in make(try a.bool("inplace", default: false)) })
        }
        register("Hardtanh", Entry(["min_val", "max_val", "inplace", "min_value", "max_value"]) { a in
            // min_value / max_value are PyTorch's deprecated spellings; when given they win, as there.
            let lo = try a.optionalNumber("min_value") ?? a.number("min_val", default: -1.0)
            let hi = try a.optionalNumber("max_value") ?? a.number("max_val", default: 1.0)
            return try LayerCatalog.onLine(a) { try Hardtanh(minVal: lo, maxVal: hi, inplace: try a.bool("inplace", default: false)) }
        })
        register("CELU", Entry(["alpha", "inplace"]) { a in
            CELU(alpha: try a.number("alpha", default: 1.0), inplace: try a.bool("inplace", default: false))
        })
        register("LogSigmoid", Entry([]) { _ in LogSigmoid() })
        register("Softsign", Entry([]) { _ in Softsign() })
        register("Tanhshrink", Entry([]) { _ in Tanhshrink() })
        register("Softmax2d", Entry([]) { _ in Softmax2d() })
        register("Softmin", Entry(["dim"]) { a in Softmin(dim: try a.optionalInt("dim")) })
        register("Threshold", Entry(["threshold", "value", "inplace"]) { a in
            Threshold(threshold: try a.number("threshold"), value: try a.number("value"), inplace: try a.bool("inplace", default: false))
        })
        register("Hardshrink", Entry(["lambd"]) { a in Hardshrink(lambd: try a.number("lambd", default: 0.5)) })
        register("Softshrink", Entry(["lambd"]) { a in Softshrink(lambd: try a.number("lambd", default: 0.5)) })
        register("PReLU", Entry(["num_parameters", "init", "device", "dtype"]) { a in
            PReLU(numParameters: try a.int("num_parameters", default: 1), initialValue: try a.double("init", default: 0.25))
        })
        register("GLU", Entry(["dim"]) { a in GLU(dim: try a.int("dim", default: -1)) })
    }

    private mutating func registerExtraLayers() {
        for kind in FeatureDropout.Kind.allCases {
            register(kind.rawValue, Entry(["p", "inplace"]) { a in
                try LayerCatalog.onLine(a) {
                    try FeatureDropout(kind, p: try a.number("p", default: 0.5), inplace: try a.bool("inplace", default: false))
                }
            })
        }
        register("StochasticDepth", Entry(["p", "mode"]) { a in
            try LayerCatalog.onLine(a) { try StochasticDepth(p: try a.number("p"), mode: try a.string("mode", default: "")) }
        })
        for (kind, dims) in [(AdaptivePool.Kind.avg, 1), (.avg, 3), (.max, 1), (.max, 2), (.max, 3)] {
            register("Adaptive\(kind.rawValue)Pool\(dims)d", Entry(kind == .max ? ["output_size", "return_indices"] : ["output_size"]) { a in
                let (sizes, scalar) = try a.adaptiveSize("output_size")
                return try LayerCatalog.onLine(a) {
                    try AdaptivePool(kind, dims: dims, outputSize: sizes, isScalar: scalar,
                                     returnIndices: try a.bool("return_indices", default: false))
                }
            })
        }
        // AdaptiveAvgPool2d as before, and with a None in its size (`(None, 7)`: keep the input's height).
        register("AdaptiveAvgPool2d", Entry(["output_size"]) { a in
            let (sizes, scalar) = try a.adaptiveSize("output_size")
            let known = sizes.compactMap { $0 }
            guard known.count < sizes.count else {
                return AdaptiveAvgPool2d(outputSize: scalar ? SizeArgument(known[0]) : SizeArgument(known))
            }
            return try LayerCatalog.onLine(a) { try AdaptivePool(.avg, dims: 2, outputSize: sizes, isScalar: scalar) }
        })
        for dims in 1 ... 3 {
            register("InstanceNorm\(dims)d", Entry(["num_features", "eps", "momentum", "affine", "track_running_stats", "device", "dtype",
                                                    "bias"]) { a in
                InstanceNorm(dims: dims, try a.int("num_features"), eps: try a.number("eps", default: 1e-5),
                             momentum: a.value("momentum") == ArgValue.none ? nil : try a.number("momentum", default: 0.1),
                             affine: try a.bool("affine", default: false), trackRunningStats: try a.bool("track_running_stats", default: false),
                             bias: try a.bool("bias", default: true))
            })
        }
        register("RMSNorm", Entry(["normalized_shape", "eps", "elementwise_affine", "device", "dtype"]) { a in
            RMSNorm(try a.intList("normalized_shape"), eps: try a.optionalNumber("eps"),
                    elementwiseAffine: try a.bool("elementwise_affine", default: true))
        })
        register("LocalResponseNorm", Entry(["size", "alpha", "beta", "k"]) { a in
            try LayerCatalog.onLine(a) {
                try LocalResponseNorm(size: try a.int("size"), alpha: try a.number("alpha", default: 0.0001),
                                      beta: try a.number("beta", default: 0.75), k: try a.number("k", default: 1.0))
            }
        })
        register("PixelUnshuffle", Entry(["downscale_factor"]) { a in PixelUnshuffle(try a.int("downscale_factor")) })
        register("ChannelShuffle", Entry(["groups"]) { a in ChannelShuffle(try a.int("groups")) })
    }

    /// Hugging Face transformers layers by printed class name. `Conv1D()` and `LlamaRMSNorm()` without arguments are
    /// older transformers versions that printed no sizes: those stay parameter-free `OpaqueModule`s.
    private mutating func registerHuggingFace() {
        func printsArguments(_ s: ModuleSpec) -> Bool { !s.isContainer && !(s.args.isEmpty && s.kwargs.isEmpty) }
        register(matching: { $0.className == "Conv1D" && printsArguments($0) }, Entry(["nf", "nx"]) { a in
            HFConv1D(nf: try a.int("nf"), nx: try a.int("nx"))
        })
        register(matching: { $0.className.hasSuffix("RMSNorm") && printsArguments($0) }, Entry(["hidden_size", "eps"]) { a in
            let name = a.spec.className
            return try LayerCatalog.onLine(a) {
                try HFRMSNorm(className: name, shape: try a.intList("hidden_size"), eps: try a.number("eps", default: 1e-6),
                              scale: HFRMSNorm.scale(forClassName: name))
            }
        })
        for kind in HFActivation.Kind.allCases {
            register(kind.rawValue, Entry([]) { _ in HFActivation(kind) })
        }
    }
}
