/// One layer class as PyTorch defines it, in one place: its class name, its constructor's signature (names, order,
/// defaults), how its `extra_repr` reads, the attributes a forward can read back (`self.conv1.kernel_size`), and
/// how to build it from bound arguments. A model file's layer lines are read by it, `print(model)` is written by
/// it, and a functional form (`F.leaky_relu` for `nn.LeakyReLU`) is derived from it when the two are the same op.
public struct LayerSchema: @unchecked Sendable {
    /// Whose children a built layer has.
    public enum Children: Sendable {
        /// The layer makes its own (MultiheadAttention's `out_proj`); printed children must be among them.
        case built
        /// A container: the printed children are added to it, in order (Sequential, ModuleList, …).
        case printed
    }

    /// `F.<name>(<inputs>, <the layer's arguments>, <extra>)` computing what the layer's forward computes.
    public struct Functional: Sendable {
        /// The function's name in `torch.nn.functional` (and `torch.`, and as a tensor method where PyTorch has one).
        public let name: String
        /// Other names for it (`relu_`).
        public let aliases: [String]
        /// Its tensor inputs, before the layer's arguments.
        public let inputs: [String]
        /// Parameters the function has after the layer's (`softmax`'s `_stacklevel=3, dtype=None`).
        public let extra: Signature

        public static func named(_ name: String, aliases: [String] = [], inputs: [String] = ["input"], extra: String = "") -> Functional {
            Functional(name: name, aliases: aliases, inputs: inputs, extra: Signature(extra))
        }
    }

    /// PyTorch's class name (`Conv2d`, `LeakyReLU`).
    public let name: String
    /// The constructor's parameters, as PyTorch declares them.
    public let signature: Signature
    public let children: Children
    public let functional: Functional?
    /// For a class that stands for a family of printed names (transformers defines an RMSNorm per model), the suffix
    /// those names share: the layer is then matched by its printout only (see `LayerCatalog`), never by name.
    public let printedSuffix: String?
    /// The Module class it builds.
    let moduleType: ObjectIdentifier
    let template: ReprTemplate
    let attributes: (Module) -> [String: any ArgumentConvertible]
    let make: (LayerArguments) throws -> Module

    /// A layer class. `attributes` maps a built module to the values its `extra_repr` and a forward read, by PyTorch's
    /// attribute names; `build` makes the module from arguments bound to `signature`.
    public init<M: Module>(_ name: String, _ signature: String, repr: String = "", children: Children = .built,
                           functional: Functional? = nil, printedSuffix: String? = nil,
                           attributes: @escaping (M) -> [String: any ArgumentConvertible] = { (_: M) in [:] },
                           build: @escaping (LayerArguments) throws -> M) {
        self.name = name
        self.signature = Signature(signature)
        self.children = children
        self.functional = functional
        self.printedSuffix = printedSuffix
        self.moduleType = ObjectIdentifier(M.self)
        self.template = ReprTemplate(repr)
        self.attributes = { m in (m as? M).map(attributes) ?? [:] }
        self.make = build
    }

    /// Builds the layer from bound arguments; a class printed under another name keeps the printed name.
    public func build(_ arguments: LayerArguments) throws -> Module {
        let module = try make(arguments)
        if arguments.className != name { module.printedName = arguments.className }
        return module
    }

    /// The text between the parentheses of `module`'s `print`: PyTorch's `extra_repr`.
    public func extraRepr(of module: Module) -> String {
        let values = attributes(module)
        return template.render({ values[$0]?.argument ?? .none }, defaultValue: { signature.parameter($0)?.defaultValue })
    }

    /// The attribute `name` of `module` (`kernel_size`, `in_features`, `num_heads`), if the layer has it.
    public func attribute(_ name: String, of module: Module) -> ArgumentValue? { attributes(module)[name]?.argument }

    /// The signature of the functional form: its inputs, this layer's parameters, then its extra ones.
    public var functionalSignature: Signature? {
        functional.map { f in Signature(f.inputs.joined(separator: ", ")).appending(signature).appending(f.extra) }
    }
}

extension LayerSchema {
    /// A layer whose one integer argument prints as `name=value` and passes to its functional form
    /// (`PixelShuffle(upscale_factor=3)`, `F.pixel_shuffle(x, 3)`).
    static func oneInteger<M: Module>(_ name: String, _ parameter: String, function: String, value: @escaping (M) -> Int,
                                      make: @escaping (Int) -> M) -> LayerSchema {
        LayerSchema(name, parameter, repr: "\(parameter)={\(parameter)}", functional: .named(function),
                    attributes: { (m: M) in [parameter: value(m)] }) { a in make(try a[parameter]) }
    }

    /// A softmax-like layer of an optional `dim` (`Softmax(dim=None)`), whose functional form also takes torch's
    /// `_stacklevel` and `dtype`.
    static func optionalDim<M: Module>(_ name: String, function: String, value: @escaping (M) -> Int?,
                                       make: @escaping (Int?) -> M) -> LayerSchema {
        LayerSchema(name, "dim=None", repr: "dim={dim}", functional: .named(function, extra: "_stacklevel=3, dtype=None"),
                    attributes: { (m: M) in ["dim": value(m)] }) { a in make(try a["dim"]) }
    }
}
