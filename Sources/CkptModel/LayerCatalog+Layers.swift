import CkptNN

extension LayerArguments {
    /// A size argument keeping the int-or-tuple form PyTorch prints back.
    func size(_ name: String) throws -> SizeArgument {
        guard let v = value(name) else { throw ModelFileError(line: spec.line, "\(spec.className)(): missing '\(name)'") }
        if let i = v.intValue { return SizeArgument(i) }
        guard let list = v.intList else { throw ModelFileError(line: spec.line, "\(spec.className)(): '\(name)' must be an int or a tuple of ints") }
        return SizeArgument(list)
    }

    func size(_ name: String, default d: SizeArgument) throws -> SizeArgument { has(name) ? try size(name) : d }
    func optionalSize(_ name: String) throws -> SizeArgument? { has(name) ? try size(name) : nil }
}

extension LayerCatalog {
    /// Convolution, pooling, normalisation, embedding, dropout and recurrent layers.
    mutating func registerLayers() {
        for dims in 1 ... 3 {
            register("Conv\(dims)d", Entry(["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                                             "bias", "padding_mode", "device", "dtype"]) { a in
                var paddingString: String?
                if case .some(.string(let s)) = a.value("padding") { paddingString = s }
                if case .some(.name(let s)) = a.value("padding") { paddingString = s }
                return try Conv(dims: dims, try a.int("in_channels"), try a.int("out_channels"), kernelSize: try a.size("kernel_size"),
                                stride: try a.size("stride", default: SizeArgument(1)),
                                padding: paddingString == nil ? try a.size("padding", default: SizeArgument(0)) : SizeArgument(0),
                                paddingString: paddingString, dilation: try a.size("dilation", default: SizeArgument(1)),
                                groups: try a.int("groups", default: 1), bias: try a.bool("bias", default: true),
                                paddingMode: try a.string("padding_mode", default: "zeros"))
            })
            register("MaxPool\(dims)d", Entry(["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"]) { a in
                MaxPool(dims: dims, kernelSize: try a.size("kernel_size"), stride: try a.optionalSize("stride"),
                        padding: try a.size("padding", default: SizeArgument(0)), dilation: try a.size("dilation", default: SizeArgument(1)),
                        returnIndices: try a.bool("return_indices", default: false), ceilMode: try a.bool("ceil_mode", default: false))
            })
            register("AvgPool\(dims)d", Entry(["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"]) { a in
                AvgPool(dims: dims, kernelSize: try a.size("kernel_size"), stride: try a.optionalSize("stride"),
                        padding: try a.size("padding", default: SizeArgument(0)), ceilMode: try a.bool("ceil_mode", default: false),
                        countIncludePad: try a.bool("count_include_pad", default: true), divisorOverride: try a.optionalInt("divisor_override"))
            })
            register("BatchNorm\(dims)d", Entry(["num_features", "eps", "momentum", "affine", "track_running_stats", "bias", "device", "dtype"]) { a in
                BatchNorm(dims: dims, try a.int("num_features"), eps: try a.double("eps", default: 1e-5),
                          momentum: a.value("momentum") == ArgValue.none ? nil : try a.double("momentum", default: 0.1),
                          affine: try a.bool("affine", default: true), trackRunningStats: try a.bool("track_running_stats", default: true))
            })
        }
        register("MultiheadAttention", Entry(["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim",
                                              "batch_first", "device", "dtype"]) { a in
            // print(model) shows only out_proj: embed_dim comes from it, num_heads only when written in.
            var embed = try a.optionalInt("embed_dim")
            for child in a.spec.children where child.name == "out_proj" {
                if case .module(let m) = child.entry, embed == nil { embed = m.kwarg("in_features")?.intValue }
            }
            guard let e = embed else { throw ModelFileError(line: a.spec.line, "MultiheadAttention needs embed_dim (or its printed out_proj)") }
            if try a.bool("add_bias_kv", default: false) || a.has("kdim") || a.has("vdim") {
                throw ModelFileError(line: a.spec.line, "MultiheadAttention with add_bias_kv, kdim or vdim is not implemented")
            }
            do {
                return try MultiheadAttention(embedDim: e, numHeads: try a.optionalInt("num_heads"), dropout: try a.double("dropout", default: 0), bias: try a.bool("bias", default: true),
                                              batchFirst: try a.bool("batch_first", default: false))
            } catch let error as NNError { throw ModelFileError(line: a.spec.line, error.description) }
        })
        register("AdaptiveAvgPool2d", Entry(["output_size"]) { a in AdaptiveAvgPool2d(outputSize: try a.size("output_size")) })
        register("LayerNorm", Entry(["normalized_shape", "eps", "elementwise_affine", "bias", "device", "dtype"]) { a in
            LayerNorm(try a.intList("normalized_shape"), eps: try a.double("eps", default: 1e-5),
                      elementwiseAffine: try a.bool("elementwise_affine", default: true), bias: try a.bool("bias", default: true))
        })
        register("GroupNorm", Entry(["num_groups", "num_channels", "eps", "affine", "bias", "device", "dtype"]) { a in
            try GroupNorm(try a.int("num_groups"), try a.int("num_channels"), eps: try a.double("eps", default: 1e-5),
                          affine: try a.bool("affine", default: true))
        })
        register("Embedding", Entry(["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"]) { a in
            if a.has("max_norm") { throw ModelFileError(line: a.spec.line, "Embedding(max_norm=…) is not implemented") }
            return try Embedding(try a.int("num_embeddings"), try a.int("embedding_dim"), paddingIdx: try a.optionalInt("padding_idx"))
        })
        register("Dropout", Entry(["p", "inplace"]) { a in try Dropout(p: try a.double("p", default: 0.5), inplace: try a.bool("inplace", default: false)) })
        let recurrent = ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size", "device", "dtype"]
        for (name, mode) in [("RNN", RecurrentMode.rnnTanh), ("LSTM", .lstm), ("GRU", .gru)] {
            register(name, Entry(recurrent + (name == "RNN" ? ["nonlinearity"] : [])) { a in
                if try a.int("proj_size", default: 0) != 0 { throw ModelFileError(line: a.spec.line, "LSTM(proj_size=…) is not implemented") }
                let relu = name == "RNN" ? try a.string("nonlinearity", default: "tanh") == "relu" : false
                let m = relu ? RecurrentMode.rnnRelu : mode
                return try RecurrentLayer(mode: m, try a.int("input_size"), try a.int("hidden_size"), numLayers: try a.int("num_layers", default: 1),
                                          bias: try a.bool("bias", default: true), batchFirst: try a.bool("batch_first", default: false),
                                          dropout: try a.double("dropout", default: 0), bidirectional: try a.bool("bidirectional", default: false))
            })
        }
        for (name, mode) in [("RNNCell", RecurrentMode.rnnTanh), ("LSTMCell", .lstm), ("GRUCell", .gru)] {
            register(name, Entry(["input_size", "hidden_size", "bias"] + (name == "RNNCell" ? ["nonlinearity"] : [])) { a in
                let relu = name == "RNNCell" ? try a.string("nonlinearity", default: "tanh") == "relu" : false
                let m = relu ? RecurrentMode.rnnRelu : mode
                return RecurrentCell(mode: m, try a.int("input_size"), try a.int("hidden_size"), bias: try a.bool("bias", default: true))
            })
        }
    }
}
