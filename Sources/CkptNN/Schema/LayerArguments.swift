import CkptTensor

/// A layer's arguments bound to its schema's signature, as Python binds a call: what a model file's line gave
/// (`Conv2d(1, 6, kernel_size=(5, 5))`) or what a functional call passed, with the schema's defaults behind them.
public struct LayerArguments {
    public let schema: LayerSchema
    /// The class name as printed (a subclass matched by its signature keeps its own: `BartScaledWordEmbedding`).
    public let className: String
    /// The arguments given, by parameter name.
    public let given: [String: ArgumentValue]
    /// Printed children that are layers, bound to their own schemas (MultiheadAttention's size is its `out_proj`'s).
    public let children: [String: LayerArguments]

    /// Binds `args` and `keywords` to `schema`, and checks sizes before anything is allocated.
    public init(_ schema: LayerSchema, className: String? = nil, args: [ArgumentValue] = [],
                keywords: [(name: String, value: ArgumentValue)] = [], children: [String: LayerArguments] = [:]) throws {
        let callee = className ?? schema.name
        self.schema = schema
        self.className = callee
        self.given = try schema.signature.bind(args, keywords, callee: callee).values
        self.children = children
        try checkSizes()
    }

    /// The argument `name` converted to `T`: as given, else the schema's default.
    public subscript<T: ArgumentConvertible>(_ name: String) -> T {
        get throws {
            let v = value(name)
            guard let converted = T(argument: v) else {
                throw ArgumentError.wrongType(callee: className, name: name, expected: T.expected,
                                              got: given[name] == nil ? "nothing" : v.pythonRepr)
            }
            return converted
        }
    }

    /// The argument `name` as given, else its default, else None.
    public func value(_ name: String) -> ArgumentValue { given[name] ?? schema.signature.parameter(name)?.defaultValue ?? .none }

    /// Whether `name` was given, and not as None.
    public func isGiven(_ name: String) -> Bool { given[name].map { !$0.isNone } ?? false }

    /// Names of size arguments (at least 0, multiplied into the layer's size), of those at least 1 that multiply too,
    /// and of those only at least 1. PyTorch's own names, so every layer's signature is covered.
    static let sizes: Set<String> = ["in_features", "out_features", "in1_features", "in2_features", "in_channels", "out_channels",
                                     "num_features", "num_embeddings", "embedding_dim", "input_size", "hidden_size", "num_channels",
                                     "normalized_shape", "output_size", "embed_dim", "num_parameters", "nf", "nx", "d_model",
                                     "dim_feedforward"]
    static let factors: Set<String> = ["kernel_size", "num_layers"]
    /// The most layers one module stacks (an RNN's `num_layers`, a Hugging Face config's `num_hidden_layers`): far
    /// above any real model's depth. Each layer is tensors and objects of its own however small its sizes, so the
    /// element bound alone let `LSTM(8, 6, 655366)` build 2.6 million tensors (2.2 GB, 40 s).
    public static let maxStackedLayers = 1 << 12
    /// Sizes that are both dimensions of a weight (recurrent hidden-to-hidden, attention and transformer projections).
    static let squared: [String] = ["hidden_size", "embed_dim", "d_model"]
    static let positive: Set<String> = ["stride", "dilation", "groups", "num_groups", "upscale_factor", "downscale_factor"]
    static let nonNegative: Set<String> = ["padding"]

    /// Sizes from a file are checked before any layer allocates: none negative, and no layer whose sizes multiply
    /// (times 16, room for LSTM's four gates and two directions) past 2^31, or 2^36 when only shapes are built — a
    /// layer built for keys and shapes touches no memory and may be as large as a 405B model's 128256 × 16384 head
    /// (less under an address-space limit: `EngineContext.maxLayerElements`).
    private func checkSizes() throws {
        var product = 1.0
        for (name, v) in given {
            let inProduct = Self.sizes.contains(name) || Self.factors.contains(name)
            let minimum = Self.factors.contains(name) || Self.positive.contains(name) ? 1
                : (Self.sizes.contains(name) || Self.nonNegative.contains(name) ? 0 : nil)
            guard let minimum, let list = v.intList else { continue }
            for x in list {
                guard x >= minimum else { throw ArgumentError.belowMinimum(callee: className, name: name, minimum: minimum, got: x) }
                if inProduct { product *= Double(max(x, 1)) }
            }
        }
        try Self.checkLayerSize(product, times: 16, callee: className)
        if let layers = given["num_layers"]?.intList?.first, layers > Self.maxStackedLayers {
            throw ArgumentError.aboveMaximum(callee: className, name: "num_layers", maximum: Self.maxStackedLayers, got: layers)
        }
        // A size that is both sides of a matrix (LSTM's [4H, H], attention's [3E, E]) enters the layer squared.
        for name in Self.squared {
            guard let x = given[name]?.intList?.first else { continue }
            try Self.checkSquaredSize(x, callee: className)
        }
    }

    /// Throws `tooLarge` when `elements` times `times` (room for the layer's other tensors) is past what may be
    /// built now (`EngineContext.maxLayerElements`).
    static func checkLayerSize(_ elements: Double, times: Double, callee: String) throws {
        let context = EngineContext.current
        let maxElements = context.maxLayerElements
        guard elements * times > Double(maxElements) else { return }
        let addressSpaceBound = context.isShapesOnly && maxElements < context.limits.maxShapesOnlyLayerElements
        throw addressSpaceBound ? ArgumentError.tooLargeForAddressSpace(callee: callee, elements: elements)
            : ArgumentError.tooLarge(callee: callee, elements: elements)
    }

    /// The same for a size that is both sides of a weight matrix. Layers whose size may come from a printed child
    /// (MultiheadAttention's `embed_dim` from `out_proj`, TransformerEncoderLayer's `d_model` from `linear1`) check it
    /// again where they allocate: the child's own check saw it only once.
    static func checkSquaredSize(_ size: Int, callee: String) throws {
        try checkLayerSize(Double(size) * Double(size), times: 8, callee: callee)
    }
}
