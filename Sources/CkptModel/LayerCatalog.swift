import CkptNN

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

    /// Adds or replaces a layer class.
    public mutating func register(_ className: String, _ entry: Entry) { entries[className] = entry }

    /// Builds `spec` if its class is known, or returns nil.
    public func build(_ spec: ModuleSpec) throws -> Module? {
        guard let entry = entries[spec.className] else { return nil }
        return try entry.build(LayerArguments(spec, names: entry.parameters))
    }

    /// Every layer ckpt implements.
    public static let standard: LayerCatalog = {
        var c = LayerCatalog()
        c.registerCore()
        c.registerLayers()
        c.registerMore()
        return c
    }()

    private mutating func registerCore() {
        let linear = Entry(["in_features", "out_features", "bias", "device", "dtype"]) { a in
            Linear(try a.int("in_features"), try a.int("out_features"), bias: try a.bool("bias", default: true))
        }
        register("Linear", linear)
        register("NonDynamicallyQuantizableLinear", linear)
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
