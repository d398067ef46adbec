import CkptCore

/// The pickle dialect of a TorchScript archive's `data.pkl` (FORMATS-MORE.md 2.2): everything the weights-only
/// unpickler accepts, plus `__torch__.*` classes, created by NEWOBJ as opaque objects that remember their
/// qualified name and receive their attribute dict through BUILD, and the identity helpers of
/// `torch.jit._pickle` (`build_intlist` … and `restore_type_tag`). Nothing is executed: a class is a name.
final class TorchScriptUnpickler: PickleHost {
    private let base: TorchUnpickler

    /// The `torch.jit._pickle` functions a TorchScript pickle calls; each returns its first argument.
    static let jitHelpers: Set<String> = ["build_intlist", "build_doublelist", "build_boollist", "build_tensorlist", "restore_type_tag"]

    init(loadStorage: @escaping TorchUnpickler.StorageLoader) {
        base = TorchUnpickler(loadStorage: loadStorage)
    }

    /// True for a TorchScript class qualified name (`__torch__.torch.nn.modules.linear.Linear`).
    static func isScriptClass(_ module: String) -> Bool { module == "__torch__" || module.hasPrefix("__torch__.") }

    func global(module: String, name: String) throws -> PickleValue {
        if Self.isScriptClass(module) || (module == "torch.jit._pickle" && Self.jitHelpers.contains(name)) {
            return .global(module: module, name: name)
        }
        return try base.global(module: module, name: name)
    }

    func call(_ callable: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue {
        if case .global("torch.jit._pickle", let name) = callable {
            let arity = name == "restore_type_tag" ? 2 : 1
            guard args.count == arity else {
                throw CheckpointError.malformed("torch.jit._pickle.\(name) called with \(args.count) arguments, expected \(arity)")
            }
            return args[0]
        }
        if case .global(let module, let name) = callable, Self.isScriptClass(module) {
            throw CheckpointError.unsafe("pickle calls the TorchScript class \(module).\(name) (classes are only created by NEWOBJ)")
        }
        return try base.call(callable, args: args, arena: arena)
    }

    func newObject(_ cls: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue {
        if case .global(let module, let name) = cls, Self.isScriptClass(module) {
            guard args.isEmpty else { throw CheckpointError.malformed("TorchScript object \(module).\(name) created with arguments") }
            return .node(arena.node(.call(module + "." + name)))
        }
        return try base.newObject(cls, args: args, arena: arena)
    }

    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue {
        try base.build(object, state: state)
    }

    func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        try base.persistentLoad(id)
    }
}
