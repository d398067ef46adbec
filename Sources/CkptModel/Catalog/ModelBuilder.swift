import CkptCore
import CkptNN
import CkptTensor

/// Builds the module tree a model file describes, with PyTorch's default initialisation.
public struct ModelBuilder {
    public var catalog: LayerCatalog

    public init(catalog: LayerCatalog = .standard) { self.catalog = catalog }

    /// The root module of `file`; with a pasted forward, the root runs it, and every module of a pasted class runs
    /// that class's forward.
    public func build(_ file: ModelFile) throws -> Module {
        var made = file.root.moduleCount
        let root = try build(file.root, classMethods: file.classMethods, rootMethods: file.rootMethods, made: &made)
        if let method = file.forward, !(root is CustomModule) {
            throw ModelFileError(line: method.line, "a forward method needs a container module such as Net( … )")
        }
        return root
    }

    /// Parses and builds model-file text.
    public static func build(text: String) throws -> Module { try ModelBuilder().build(ModelFile.parse(text)) }

    /// Builds `spec`; `rootMethods` is non-nil only for the root. `made` counts the modules and tensors built so far
    /// (the file's lines, then what each layer makes of its own).
    private func build(_ spec: ModuleSpec, classMethods: [String: [String: ForwardMethod]],
                       rootMethods: [String: ForwardMethod]? = nil, made: inout Int) throws -> Module {
        let methods = rootMethods ?? classMethods[spec.className] ?? [:]
        let module: Module
        if methods["forward"] != nil, rootMethods != nil || catalog.schema(named: spec.className) == nil {
            module = CustomModule(className: spec.className, methods: methods)
        } else if let arguments = try catalog.arguments(for: spec) {
            let layer = try catalog.build(arguments, printedAt: spec)
            try count(layer, builtAt: spec, into: &made)
            guard arguments.schema.children == .printed else {
                // A layer builds its own submodules (MultiheadAttention's out_proj); printed children must be among them.
                for child in spec.children where layer[child.name] == nil && layer.parameter(child.name) == nil {
                    throw ModelFileError(line: child.line, "\(spec.className) has no submodule '\(child.name)'")
                }
                return layer
            }
            module = layer
        } else if spec.isContainer {
            module = CustomModule(className: spec.className, methods: methods)
        } else {
            return OpaqueModule(className: spec.className, line: spec.line)
        }
        try addChildren(spec, to: module, classMethods: classMethods, made: &made)
        return module
    }

    /// Adds the submodules and tensors `layer` made of its own accord (an LSTM's weights for each of its `num_layers`,
    /// an attention's `out_proj`) to `made`: the bound on what a model file describes covers them too, so that many
    /// layers, each within its own bounds, cannot together build millions of tensors. (Children printed under a
    /// layer are counted twice, in the file and in what the layer made: a bound, not a census.)
    private func count(_ layer: Module, builtAt spec: ModuleSpec, into made: inout Int) throws {
        made += layer.namedModules().count - 1 + layer.stateDict().count
        guard made <= ModelFileParser.maxModules else { throw ModelFileParser.tooManyModules(line: spec.line) }
    }

    private func addChildren(_ spec: ModuleSpec, to module: Module, classMethods: [String: [String: ForwardMethod]],
                             made: inout Int) throws {
        for child in spec.children {
            switch child.entry {
            case .module(let childSpec):
                module.addModule(child.name, try build(childSpec, classMethods: classMethods, made: &made))
            case .parameter(let shape, let dtype):
                module.registerParameter(child.name, try ModelBuilder.emptyTensor(shape, dtype, line: child.line))
            case .buffer(let shape, let dtype):
                module.registerBuffer(child.name, try ModelBuilder.emptyTensor(shape, dtype, line: child.line))
            case .tie(let path):
                try tie(child.name, to: path, in: module, line: child.line)
            }
        }
    }

    /// `(4): (2)` shares a module; `(head.weight): (embed.weight)` shares one parameter (paths relative to `module`).
    private func tie(_ name: String, to path: String, in module: Module, line: Int) throws {
        if let target = module.submodule(path), !path.isEmpty {
            guard !name.contains(".") else {
                throw ModelFileError(line: line, "'\(name)' names a parameter but '\(path)' is a module")
            }
            module.addModule(name, target)
            return
        }
        guard let tensor = module.tensor(at: path) else {
            throw ModelFileError(line: line, "tie target '\(path)' is neither an earlier child module nor a parameter")
        }
        let parts = name.split(separator: ".").map(String.init)
        guard let last = parts.last, let owner = module.submodule(parts.dropLast().joined(separator: ".")) else {
            throw ModelFileError(line: line, "no module '\(parts.dropLast().joined(separator: "."))' for tie '\(name)'")
        }
        if owner.buffer(last) != nil { owner.registerBuffer(last, tensor) } else { owner.registerParameter(last, tensor) }
    }

    /// A zero tensor for a declared parameter or buffer (values come from the checkpoint).
    static func emptyTensor(_ shape: [Int], _ dtype: DType, line: Int) throws -> Tensor {
        guard shape.count <= TensorEntry.maxRank else {
            throw ModelFileError(line: line, "a tensor of rank \(shape.count) (at most \(TensorEntry.maxRank))")
        }
        guard TensorEntry.checkedNumel(shape).map({ $0 <= EngineContext.current.limits.maxModelElements }) == true else {
            throw ModelFileError(line: line, "shape \(shape) is too large")
        }
        let kind: DType = dtype.isFloatingPoint ? .float32 : (dtype == .bool ? .bool : .int64)
        return Tensor.zeros(shape, dtype: kind)
    }
}
