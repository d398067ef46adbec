import CkptNN
import CkptTensor

/// The `torch.nn` layers a model file may name: constructor parameter names in PyTorch's order, and a factory.
public struct LayerCatalog {
    /// One layer class: its constructor's parameter names and how to build it from bound arguments.
    public struct Entry {
        public var parameters: [String]
        public var build: (LayerArguments) throws -> Module
        public init(_ parameters: [String], _ build: @escaping (LayerArguments) throws -> Module) {
            self.parameters = parameters; self.build = build
        }
    }

    /// Entries by class name.
    public private(set) var entries: [String: Entry] = [:]
    /// Entries for families of class names (`…RMSNorm`), tried in order after `entries`.
    public private(set) var rules: [(matches: (ModuleSpec) -> Bool, entry: Entry)] = []

    /// Adds or replaces a layer class.
    public mutating func register(_ className: String, _ entry: Entry) { entries[className] = entry }

    /// Adds an entry for every printed layer `matches` accepts (checked after the entries by name).
    public mutating func register(matching matches: @escaping (ModuleSpec) -> Bool, _ entry: Entry) { rules.append((matches, entry)) }

    /// The entry that builds `spec`: by its class name, else the first rule that matches it.
    public func entry(for spec: ModuleSpec) -> Entry? {
        entries[spec.className] ?? rules.first { $0.matches(spec) }?.entry
    }

    /// Builds `spec` if its class is known, or returns nil.
    public func build(_ spec: ModuleSpec) throws -> Module? {
        guard let entry = entry(for: spec) else { return nil }
        let arguments = try LayerArguments(spec, names: entry.parameters)
        try LayerCatalog.checkSizes(arguments, names: entry.parameters)
        return try entry.build(arguments)
    }

    /// Size arguments that must be at least 0, and those that must be at least 1.
    static let sizeArguments: Set<String> = ["in_features", "out_features", "in1_features", "in2_features", "in_channels",
                                             "out_channels", "num_features", "num_embeddings", "embedding_dim", "input_size",
                                             "hidden_size", "num_channels", "normalized_shape", "output_size", "padding", "embed_dim",
                                             "num_parameters", "nf", "nx"]
    static let positiveArguments: Set<String> = ["kernel_size", "stride", "dilation", "groups", "num_layers", "num_groups",
                                                 "upscale_factor", "downscale_factor"]

    /// Sizes from a file are checked before any layer allocates: no negative size, and no layer whose sizes multiply
    /// (times 16, room for LSTM's four gates and two directions) past 2^31, or 2^36 when only shapes are built.
    static func checkSizes(_ a: LayerArguments, names: [String]) throws {
        var product = 1.0
        for name in names {
            guard let list = a.value(name)?.intList else { continue }
            let minimum = positiveArguments.contains(name) ? 1 : sizeArguments.contains(name) ? 0 : Int.min
            guard minimum != Int.min else { continue }
            for v in list {
                guard v >= minimum else {
                    throw ModelFileError(line: a.spec.line, "\(a.spec.className)(): '\(name)' must be at least \(minimum), got \(v)")
                }
                if sizeArguments.contains(name) || name == "kernel_size" || name == "num_layers" { product *= Double(max(v, 1)) }
            }
        }
        // Built for keys and shapes only (no memory is touched) a layer may be as large as any real one (a 405B
        // model's 128256 × 16384 head); built to run, the limit keeps a hostile file from asking for tens of gigabytes.
        let limit = Double(EngineContext.current.maxLayerElements)
        guard product * 16 <= limit else {
            throw ModelFileError(line: a.spec.line, "\(a.spec.className)(…) is too large for ckpt's engine (sizes multiply to \(Int(product)))")
        }
    }

    /// Every layer ckpt implements.
    public static let standard: LayerCatalog = {
        var c = LayerCatalog()
        c.registerCore()
        c.registerLayers()
        c.registerMore()
        c.registerTransformer()
        c.registerExtra()
        return c
    }()

    private mutating func registerCore() {
        let linear = Entry(["in_features", "out_features", "bias", "device", "dtype"]) { a in
            Linear(try a.int("in_features"), try a.int("out_features"), bias: try a.bool("bias", default: true))
        }
        register("Linear", linear)
        register("NonDynamicallyQuantizableLinear", Entry(linear.parameters) { a in
            NonDynamicallyQuantizableLinear(try a.int("in_features"), try a.int("out_features"), bias: try a.bool("bias", default: true))
        })
        register("Identity", Entry([]) { _ in Identity() })
        register("Flatten", Entry(["start_dim", "end_dim"]) { a in
            Flatten(startDim: try a.int("start_dim", default: 1), endDim: try a.int("end_dim", default: -1))
        })
        register("ReLU", Entry(["inplace"]) { a in ReLU(inplace: try a.bool("inplace", default: false)) })
        register("LeakyReLU", Entry(["negative_slope", "inplace"]) { a in
            LeakyReLU(negativeSlope: try a.double("negative_slope", default: 0.01), inplace: try a.bool("inplace", default: false))
        })
        register("ELU", Entry(["alpha", "inplace"]) { a in
            ELU(alpha: try a.double("alpha", default: 1), inplace: try a.bool("inplace", default: false))
        })
        register("GELU", Entry(["approximate"]) { a in GELU(approximate: try a.string("approximate", default: "none")) })
        register("Sigmoid", Entry([]) { _ in Sigmoid() })
        register("Tanh", Entry([]) { _ in Tanh() })
        register("Softplus", Entry(["beta", "threshold"]) { a in
            Softplus(beta: try a.double("beta", default: 1), threshold: try a.double("threshold", default: 20))
        })
        register("Softmax", Entry(["dim"]) { a in Softmax(dim: try a.optionalInt("dim")) })
        register("LogSoftmax", Entry(["dim"]) { a in LogSoftmax(dim: try a.optionalInt("dim")) })
    }
}
