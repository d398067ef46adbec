import CkptNN

/// What `ckpt summary` shows: the model as PyTorch's `print(model)` prints it, then every module with the
/// parameters it registers itself (a shared tensor counted at its first owner) and, after a forward pass, the
/// shapes of its first output.
public struct ModelSummary: Encodable, Sendable, Equatable {
    public struct Layer: Encodable, Sendable, Equatable {
        /// The dotted module path; empty for the root.
        public var name: String
        /// The class name as printed.
        public var type: String
        /// Elements of the parameters registered on this module itself.
        public var parameters: Int
        /// The shapes of each tensor of its output in the forward pass (tuples flattened); nil when no forward ran
        /// or the module was not called.
        public var outputShapes: [[Int]]?

        enum CodingKeys: String, CodingKey { case name, type, parameters, outputShapes = "output_shapes" }
    }

    public var model: String
    /// `print(model)`.
    public var repr: String
    /// Every module, in `named_modules()` order.
    public var layers: [Layer]
    /// Unique parameter elements, and those that require grad.
    public var parameters: Int
    public var trainable: Int
    /// Buffer elements.
    public var buffers: Int
    /// Whether a forward pass ran (the table then has an output-shape column).
    public var ranForward: Bool

    enum CodingKeys: String, CodingKey { case model, repr, layers, parameters, trainable, buffers }

    /// Summarises `module` (from `model`); `outputShapes` maps a module to its output's shapes when a forward ran.
    public init(model: String, module: Module, outputShapes: [ObjectIdentifier: [[Int]]]? = nil) {
        self.model = model
        repr = module.description
        var counted = Set<ObjectIdentifier>()
        layers = module.namedModules().map { name, m in
            let own = m.parameterSlots.values.compactMap { $0 }.filter { counted.insert(ObjectIdentifier($0)).inserted }.reduce(0) { $0 + $1.numel }
            return Layer(name: name, type: m.typeName, parameters: own, outputShapes: outputShapes?[ObjectIdentifier(m)])
        }
        let params = module.parameters()
        parameters = params.reduce(0) { $0 + $1.numel }
        trainable = params.filter(\.requiresGrad).reduce(0) { $0 + $1.numel }
        buffers = module.namedBuffers().reduce(0) { $0 + $1.1.numel }
        ranForward = outputShapes != nil
    }
}
