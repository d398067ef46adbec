import CkptCore
import CkptTensor
import OrderedCollections

/// PyTorch's `nn.Module`: parameters, buffers and child modules registered by name, in registration order.
///
/// Only what is registered belongs to a module (the tutorial pitfall): a layer kept in a plain Swift array or
/// dictionary property is invisible to `parameters()` and `stateDict()`; use a container or `addModule`.
/// Shared submodules and tied parameters are the same object registered under two names.
open class Module {
    /// Own parameters by name (a nil slot is PyTorch's `register_parameter('bias', None)`).
    public private(set) var parameterSlots: OrderedDictionary<String, Tensor?> = [:]
    /// Own buffers by name.
    public private(set) var bufferSlots: OrderedDictionary<String, Tensor?> = [:]
    /// Buffers registered with `persistent: false` (left out of `stateDict()`).
    public private(set) var nonPersistentBuffers: Set<String> = []
    /// Child modules by name.
    public private(set) var childSlots: OrderedDictionary<String, Module?> = [:]
    /// Training mode (`train()` / `eval()`); changes Dropout and BatchNorm.
    public var training = true

    public init() {}

    /// The layer class this module is, for the layers ckpt knows: PyTorch's name, signature, `extra_repr` and
    /// attributes come from it. Found by the module's class; a class with a schema per variant overrides this.
    open var schema: LayerSchema? { LayerSchema.byModuleType[ObjectIdentifier(type(of: self))] }

    /// The class name a printout gave this module when it is not its layer's own (`BartScaledWordEmbedding`, built
    /// as an Embedding; `Net`, a container of pasted code).
    public var printedName: String?

    /// The class name `print(model)` shows.
    open var typeName: String { printedName ?? schema?.name ?? String(describing: type(of: self)) }

    /// The arguments `print(model)` shows inside the parentheses (PyTorch's `extra_repr`): the schema's.
    open var extraRepr: String { schema?.extraRepr(of: self) ?? "" }

    /// The attribute `name` as a forward reads it (`self.fc.in_features`), for attributes the schema names.
    public func attribute(_ name: String) -> ArgumentValue? { schema?.attribute(name, of: self) }

    /// The forward pass on any arguments. Layers override it (most through `UnaryModule`); containers run
    /// their children in order (`Sequential` semantics).
    open func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        throw NNError.notImplemented("\(typeName) has no forward pass in ckpt")
    }

    /// The names of `forward`'s parameters after `self`, in order, so a call by keyword (`attn(x, x, x,
    /// need_weights=False)`) can be bound to positions; empty for modules that take positional arguments only.
    open var forwardParameterNames: [String] { [] }

    /// The text `print(model)` shows (PyTorch's `__repr__`); containers with their own format override it.
    open func repr() -> String { defaultRepr() }

    // MARK: Registration

    /// Registers (or replaces) a parameter; it requires grad, as `nn.Parameter` does.
    public func registerParameter(_ name: String, _ parameter: Tensor?) {
        parameter?.requiresGrad = true
        parameterSlots[name] = .some(parameter)
    }

    /// Registers (or replaces) a buffer; non-persistent buffers stay out of `stateDict()`.
    public func registerBuffer(_ name: String, _ buffer: Tensor?, persistent: Bool = true) {
        bufferSlots[name] = .some(buffer)
        if persistent { nonPersistentBuffers.remove(name) } else { nonPersistentBuffers.insert(name) }
    }

    /// Registers (or replaces) a child module, as `add_module` / attribute assignment does.
    public func addModule(_ name: String, _ module: Module?) {
        childSlots[name] = .some(module)
    }

    // MARK: Lookup

    /// The own parameter `name`, if registered and not None.
    public func parameter(_ name: String) -> Tensor? { parameterSlots[name] ?? nil }
    /// The own buffer `name`, if registered and not None.
    public func buffer(_ name: String) -> Tensor? { bufferSlots[name] ?? nil }
    /// The child `name` (`net["fc1"]`, `net["2"]`).
    public subscript(name: String) -> Module? { childSlots[name] ?? nil }
    /// The child `name` as a forward reads it (`self.fc1`), typed; an error naming this module when it is absent or
    /// of another class.
    public func child<M: Module>(_ name: String, as type: M.Type = Module.self) throws -> M {
        guard let m = self[name] as? M else {
            throw NNError.invalidArgument("\(typeName) has no submodule \(name)\(M.self == Module.self ? "" : " of class \(M.self)")")
        }
        return m
    }
    /// The child at position `index` (`net[2]`).
    public subscript(index: Int) -> Module? {
        index >= 0 && index < childSlots.count ? childSlots.values[index] : nil
    }

    /// The submodule at a dotted path (`"layers.0.attn"`; `""` is this module), as `get_submodule`.
    public func submodule(_ path: String) -> Module? {
        var m: Module? = self
        for part in path.split(separator: ".", omittingEmptySubsequences: true) { m = m?[String(part)] }
        return m
    }

    /// The parameter or buffer at a dotted path (`"fc1.weight"`).
    public func tensor(at path: String) -> Tensor? {
        let parts = path.split(separator: ".").map(String.init)
        guard let last = parts.last, let owner = submodule(parts.dropLast().joined(separator: ".")) else { return nil }
        return owner.parameter(last) ?? owner.buffer(last)
    }

    // MARK: Traversal

    /// Direct children with their names (None slots skipped).
    public func namedChildren() -> [(String, Module)] {
        childSlots.compactMap { name, m in m.map { (name, $0) } }
    }

    /// Every module in the tree, this one first, each once (as `named_modules`).
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(String, Module)] = []
        func visit(_ m: Module, _ p: String) {
            guard seen.insert(ObjectIdentifier(m)).inserted else { return }
            result.append((p, m))
            for (name, child) in m.namedChildren() { visit(child, p.isEmpty ? name : p + "." + name) }
        }
        visit(self, prefix)
        return result
    }

    /// Parameters with dotted names, each tensor once under its first name (as `named_parameters()`).
    public func namedParameters(prefix: String = "", recurse: Bool = true, removeDuplicate: Bool = true) -> [(String, Tensor)] {
        namedMembers(prefix: prefix, recurse: recurse, removeDuplicate: removeDuplicate) { m in
            m.parameterSlots.compactMap { name, t in t.map { (name, $0) } }
        }
    }

    /// `namedParameters()` without names.
    public func parameters(recurse: Bool = true) -> [Tensor] { namedParameters(recurse: recurse).map(\.1) }

    /// Buffers with dotted names, each once (as `named_buffers()`).
    public func namedBuffers(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
        namedMembers(prefix: prefix, recurse: recurse, removeDuplicate: true) { m in
            m.bufferSlots.compactMap { name, t in t.map { (name, $0) } }
        }
    }

    private func namedMembers(prefix: String, recurse: Bool, removeDuplicate: Bool,
                              _ members: (Module) -> [(String, Tensor)]) -> [(String, Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(String, Tensor)] = []
        let modules = recurse ? namedModules(prefix: prefix) : [(prefix, self)]
        for (modulePrefix, m) in modules {
            for (name, t) in members(m) {
                if removeDuplicate, !seen.insert(ObjectIdentifier(t)).inserted { continue }
                result.append((modulePrefix.isEmpty ? name : modulePrefix + "." + name, t))
            }
        }
        return result
    }

    // MARK: Modes and gradients

    /// Calls `fn` on every submodule (children first) and then on this module, as `Module.apply`.
    public func apply(_ fn: (Module) throws -> Void) rethrows {
        for (_, child) in namedChildren() { try child.apply(fn) }
        try fn(self)
    }

    /// Sets training mode on this module and every submodule.
    public func train(_ mode: Bool = true) { apply { $0.training = mode } }
    /// `train(false)`.
    public func eval() { train(false) }

    /// Clears every parameter's gradient (`zero_grad(set_to_none=True)`, PyTorch's default).
    public func zeroGrad() { for p in parameters() { p.grad = nil } }

    /// Sets `requiresGrad` on every parameter.
    public func requiresGrad_(_ flag: Bool = true) { for p in parameters() { p.requiresGrad = flag } }
}
