import CkptTensor

extension Functions {
    /// Convolution, pooling, padding, resampling and normalisation functions (`F.max_pool2d`, `F.conv2d`, `F.interpolate`, …).
    static let spatial: [Function] = [
        ["max_pool1d", "max_pool2d", "max_pool3d"].map { name in Function(name, "input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False") { a in
            let x = try a.tensor("input")
            let k = try a.ints("kernel_size"), s = try a.optionalInts("stride"), p = try a.ints("padding"), d = try a.ints("dilation")
            let ceil = try a.bool("ceil_mode")
            let r: (output: Tensor, indices: Tensor)
            switch name {
            case "max_pool1d": r = try x.maxPool1dWithIndices(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            case "max_pool2d": r = try x.maxPool2dWithIndices(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            default: r = try x.maxPool3dWithIndices(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            }
            return try a.bool("return_indices") ? .tuple([.tensor(r.output), .tensor(r.indices)]) : .tensor(r.output)
        } },
        ["conv1d", "conv2d", "conv3d"].map { name in Function(name, "input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1") { a in
            let x = try a.tensor("input"), w = try a.tensor("weight"), b = try a.optionalTensor("bias")
            let padding: ConvPadding
            if case .string(let s) = a.value("padding") { padding = s == "same" ? .same : .valid } else { padding = .explicit(try a.ints("padding")) }
            let (s, d, g) = (try a.ints("stride"), try a.ints("dilation"), try a.int("groups"))
            switch name {
            case "conv1d": return .tensor(try x.conv1d(weight: w, bias: b, stride: s, padding: padding, dilation: d, groups: g))
            case "conv2d": return .tensor(try x.conv2d(weight: w, bias: b, stride: s, padding: padding, dilation: d, groups: g))
            default: return .tensor(try x.conv3d(weight: w, bias: b, stride: s, padding: padding, dilation: d, groups: g))
            }
        } },
        [Function("pad", "input, pad, mode='constant', value=None") { a in
            guard let mode = PadMode(rawValue: try a.string("mode")) else { throw InterpreterError("pad(): unknown mode '\(try a.string("mode"))'") }
            return .tensor(try a.tensor("input").pad(try a.ints("pad"), mode: mode, value: Float(try a.optionalDouble("value") ?? 0)))
        }],
        ["interpolate", "upsample"].map { name in Function(name, "input, size=None, scale_factor=None, mode='nearest', align_corners=None, "
                                                         + "recompute_scale_factor=None, antialias=False") { a in
            let x = try a.tensor("input")
            let dims = max(x.rank - 2, 1)
            let name = try a.string("mode")
            let mode: InterpolateMode
            switch name {
            case "nearest": mode = .nearest
            case "nearest-exact": mode = .nearestExact
            case "linear", "bilinear", "trilinear":
                guard name == ["linear", "bilinear", "trilinear"][min(dims, 3) - 1] else {
                    throw InterpreterError("interpolate(): mode '\(name)' needs a \(["3", "4", "5"][["linear", "bilinear", "trilinear"].firstIndex(of: name) ?? 0])-D input, got \(x.rank)-D")
                }
                mode = .linear
            case "area": mode = .area
            default: throw InterpreterError("interpolate(): mode '\(name)' is not implemented in ckpt")
            }
            guard try !a.bool("antialias") else { throw InterpreterError("interpolate(): antialias is not implemented in ckpt") }
            let size = try a.optionalInts("size").map { $0.count == 1 ? Array(repeating: $0[0], count: dims) : $0 }
            var scales: [Double]?
            if !a.isNone("scale_factor") {
                switch a.value("scale_factor") {
                case .tuple(let items), .list(let items): scales = try items.map(Operators.number)
                case let v: scales = Array(repeating: try Operators.number(v), count: dims)
                }
            }
            let align = a.isNone("align_corners") ? nil : try a.bool("align_corners")
            if mode != .linear, align != nil { throw InterpreterError("interpolate(): align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear") }
            let recompute = a.isNone("recompute_scale_factor") ? false : try a.bool("recompute_scale_factor")
            return .tensor(try x.interpolate(size: size, scaleFactor: scales, mode: mode,
                                             alignCorners: mode == .linear ? (align ?? false) : nil, recomputeScaleFactor: recompute))
        } },
        [Function("batch_norm", "input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05") { a in
            return .tensor(try a.tensor("input").batchNorm(runningMean: try a.optionalTensor("running_mean"), runningVar: try a.optionalTensor("running_var"),
                                                           weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"),
                                                           training: try a.bool("training"), momentum: try a.double("momentum"), eps: try a.double("eps")))
        }],
        [Function("layer_norm", "input, normalized_shape, weight=None, bias=None, eps=1e-05") { a in
            return .tensor(try a.tensor("input").layerNorm(normalizedShape: try a.ints("normalized_shape"), weight: try a.optionalTensor("weight"),
                                                           bias: try a.optionalTensor("bias"), eps: try a.double("eps")))
        
        }],
    ].flatMap { $0 }
}
