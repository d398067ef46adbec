import CkptNN

extension LayerCatalog {
    /// `TransformerEncoderLayer`: print(model) shows only its children, so each size comes from the arguments
    /// written in or else from the printed child that holds it (`d_model` from `linear1`, `dim_feedforward`,
    /// `bias`, `dropout`, `layer_norm_eps`); `nhead` and `batch_first` may also be written on `self_attn`
    /// (`MultiheadAttention(8, 2, batch_first=True`); a printed `(activation): GELU(…)` is the activation module.
    mutating func registerTransformer() {
        register("TransformerEncoderLayer", Entry(["d_model", "nhead", "dim_feedforward", "dropout", "activation", "layer_norm_eps",
                                                   "batch_first", "norm_first", "bias", "device", "dtype"]) { a in
            let printed = PrintedChildren(a.spec)
            let linear1 = try printed.arguments("linear1"), attn = try printed.arguments("self_attn")
            guard let dModel = try a.optionalInt("d_model") ?? linear1?.optionalInt("in_features") else {
                throw ModelFileError(line: a.spec.line, "TransformerEncoderLayer needs d_model (or its printed linear1)")
            }
            let activation: TransformerEncoderLayer.Activation
            if let spec = printed.spec("activation") {
                guard let m = try LayerCatalog.standard.build(spec) else {
                    throw ModelFileError(line: spec.line, "TransformerEncoderLayer activation \(spec.className) is not a layer ckpt implements")
                }
                activation = .module(m)
            } else {
                switch try a.string("activation", default: "relu") {
                case "relu", "F.relu", "torch.relu": activation = .relu
                case "gelu", "F.gelu": activation = .gelu
                case let other: throw ModelFileError(line: a.spec.line, "activation should be relu/gelu, not \(other)")
                }
            }
            do {
                return try TransformerEncoderLayer(
                    dModel: dModel, nhead: try a.optionalInt("nhead") ?? attn?.optionalInt("num_heads"),
                    dimFeedforward: try a.optionalInt("dim_feedforward") ?? linear1?.optionalInt("out_features") ?? 2048,
                    dropout: try a.optionalDouble("dropout") ?? printed.arguments("dropout")?.optionalDouble("p") ?? 0.1,
                    activation: activation,
                    layerNormEps: try a.optionalDouble("layer_norm_eps") ?? printed.arguments("norm1")?.optionalDouble("eps") ?? 1e-5,
                    batchFirst: try a.bool("batch_first", default: try attn?.bool("batch_first", default: false) ?? false),
                    normFirst: try a.bool("norm_first", default: false),
                    bias: try a.bool("bias", default: try linear1?.bool("bias", default: true) ?? true))
            } catch let error as NNError { throw ModelFileError(line: a.spec.line, error.description) }
        })
    }
}

/// A printed layer's children by name, with their arguments bound to their own class's parameter names.
private struct PrintedChildren {
    let specs: [String: ModuleSpec]

    init(_ spec: ModuleSpec) {
        var specs: [String: ModuleSpec] = [:]
        for child in spec.children { if case .module(let m) = child.entry { specs[child.name] = m } }
        self.specs = specs
    }

    func spec(_ name: String) -> ModuleSpec? { specs[name] }

    func arguments(_ name: String) throws -> LayerArguments? {
        guard let s = specs[name], let entry = LayerCatalog.standard.entry(for: s) else { return nil }
        return try LayerArguments(s, names: entry.parameters)
    }
}
