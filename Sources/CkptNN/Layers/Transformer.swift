import CkptTensor

/// `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
/// layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True)`: self-attention and a feed-forward block,
/// each with a residual connection and a LayerNorm (after the block, or before it with `norm_first`).
/// Children in PyTorch's order: `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`,
/// `dropout2`, and `activation` only when the activation is a module.
public final class TransformerEncoderLayer: Module {
    /// PyTorch's signature; print(model) shows only the children, so each size comes from what is written in or
    /// else from the printed child that holds it (`d_model` from `linear1`, `dim_feedforward`, `bias`, `dropout`,
    /// `layer_norm_eps`); `nhead` and `batch_first` may also be written on `self_attn`
    /// (`MultiheadAttention(8, 2, batch_first=True`); a printed `(activation): GELU(…)` is the activation module.
    public static let schema = LayerSchema("TransformerEncoderLayer", "d_model=None, nhead=None, dim_feedforward=None, dropout=None, "
                                           + "activation='relu', layer_norm_eps=None, batch_first=None, norm_first=False, bias=None, device=None, dtype=None",
                                           attributes: { (m: TransformerEncoderLayer) in ["norm_first": m.normFirst] }) { a in
        let linear1 = a.children["linear1"], attn = a.children["self_attn"]
        guard let dModel: Int = try a["d_model"] ?? linear1?["in_features"] else {
            throw NNError.invalidArgument("TransformerEncoderLayer needs d_model (or its printed linear1)")
        }
        let activation: Activation
        if let printed = a.children["activation"] {
            activation = .module(try printed.schema.build(printed))
        } else {
            switch try a["activation"] as String {
            case "relu", "F.relu", "torch.relu": activation = .relu
            case "gelu", "F.gelu": activation = .gelu
            case let other: throw NNError.invalidArgument("activation should be relu/gelu, not \(other)")
            }
        }
        return try TransformerEncoderLayer(
            dModel: dModel, nhead: try a["nhead"] ?? attn?["num_heads"],
            dimFeedforward: try a["dim_feedforward"] ?? linear1?["out_features"] ?? 2048,
            dropout: try a["dropout"] ?? a.children["dropout"]?["p"] ?? 0.1,
            activation: activation,
            layerNormEps: try a["layer_norm_eps"] ?? a.children["norm1"]?["eps"] ?? 1e-5,
            batchFirst: try a["batch_first"] ?? attn?["batch_first"] ?? false,
            normFirst: try a["norm_first"],
            bias: try a["bias"] ?? linear1?["bias"] ?? true)
    }

    /// The feed-forward activation: PyTorch's `"relu"` / `"gelu"` functions, or a module (registered as `activation`).
    public enum Activation {
        case relu, gelu
        case module(Module)
    }

    public let normFirst: Bool
    public let selfAttn: MultiheadAttention
    private let activation: Activation

    public init(dModel: Int, nhead: Int?, dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: Activation = .relu,
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true) throws {
        guard dimFeedforward > 0 else { throw NNError.invalidArgument("dim_feedforward must be positive, got \(dimFeedforward)") }
        selfAttn = try MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        self.normFirst = normFirst
        self.activation = activation
        super.init()
        addModule("self_attn", selfAttn)
        addModule("linear1", Linear(dModel, dimFeedforward, bias: bias))
        addModule("dropout", try Dropout(p: dropout))
        addModule("linear2", Linear(dimFeedforward, dModel, bias: bias))
        addModule("norm1", LayerNorm([dModel], eps: layerNormEps, bias: bias))
        addModule("norm2", LayerNorm([dModel], eps: layerNormEps, bias: bias))
        addModule("dropout1", try Dropout(p: dropout))
        addModule("dropout2", try Dropout(p: dropout))
        if case .module(let m) = activation { addModule("activation", m) }
    }

    public override var forwardParameterNames: [String] { ["src", "src_mask", "src_key_padding_mask", "is_causal"] }

    /// `src` `(S, N, E)` (`(N, S, E)` with batch_first, `(S, E)` unbatched) with optional `src_mask` and
    /// `src_key_padding_mask` as MultiheadAttention takes them.
    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard (1 ... 4).contains(args.count) else { throw NNError.invalidArgument("TransformerEncoderLayer.forward() takes src and optional masks") }
        func arg(_ i: Int) -> ModuleValue { i < args.count ? args[i] : .none }
        var x = try args[0].asTensor("src")
        guard selfAttn.numHeads != nil else {
            throw NNError.notImplemented("TransformerEncoderLayer: print(model) does not show nhead; write it as TransformerEncoderLayer(nhead=H")
        }
        func child(_ name: String, _ input: Tensor) throws -> Tensor {
            guard let m = self[name] else { throw NNError.invalidArgument("TransformerEncoderLayer has no '\(name)'") }
            return try m.call([.tensor(input)]).asTensor(name)
        }
        func selfAttention(_ x: Tensor) throws -> Tensor {
            let result = try selfAttn.call([.tensor(x), .tensor(x), .tensor(x), arg(2), .bool(false), arg(1), .none, arg(3)])
            guard case .tuple(let items) = result, let first = items.first else { throw NNError.invalidArgument("self_attn returned no output") }
            return try child("dropout1", try first.asTensor("self_attn output"))
        }
        func feedForward(_ x: Tensor) throws -> Tensor {
            var h = try child("linear1", x)
            switch activation {
            case .relu: h = h.relu()
            case .gelu: h = h.gelu()
            case .module(let m): h = try m.call([.tensor(h)]).asTensor("activation")
            }
            return try child("dropout2", try child("linear2", try child("dropout", h)))
        }
        if normFirst {
            x = try x + selfAttention(try child("norm1", x))
            x = try x + feedForward(try child("norm2", x))
        } else {
            x = try child("norm1", try x + selfAttention(x))
            x = try child("norm2", try x + feedForward(x))
        }
        return .tensor(x)
    }
}

/// `nn.TransformerEncoder(encoder_layer, num_layers, norm=None)`: `layers` (a ModuleList) run in turn with the same
/// masks, then `norm` if present. PyTorch deep-copies one layer `num_layers` times; here each layer is built by
/// `makeLayer` (or comes from a model file), and the weights come from the checkpoint.
public final class TransformerEncoder: Module {
    public static let schema = LayerSchema("TransformerEncoder", "encoder_layer=None, num_layers=None, norm=None, enable_nested_tensor=True, "
                                           + "mask_check=True", children: .printed) { _ in TransformerEncoder() }

    public override init() { super.init() }

    public convenience init(numLayers: Int, norm: Module? = nil, makeLayer: () throws -> Module) throws {
        self.init()
        addModule("layers", ModuleList(try (0 ..< numLayers).map { _ in try makeLayer() }))
        if let norm { addModule("norm", norm) }
    }

    public override var forwardParameterNames: [String] { ["src", "mask", "src_key_padding_mask", "is_causal"] }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard (1 ... 4).contains(args.count) else { throw NNError.invalidArgument("TransformerEncoder.forward() takes src and optional masks") }
        func arg(_ i: Int) -> ModuleValue { i < args.count ? args[i] : .none }
        var x = args[0]
        for (_, layer) in self["layers"]?.namedChildren() ?? [] { x = try layer.call([x, arg(1), arg(2), arg(3)]) }
        if let norm = self["norm"] { x = try norm.call([x]) }
        return x
    }
}

extension LayerSchema {
    /// The transformer layers.
    static let transformers: [LayerSchema] = [TransformerEncoderLayer.schema, TransformerEncoder.schema]
}
