import CkptTensor

/// What flows into and out of a module's `forward`: a tensor, a tuple (an LSTM's `(output, (h, c))`), None,
/// or a plain number.
public indirect enum ModuleValue {
    case tensor(Tensor)
    case tuple([ModuleValue])
    case none
    case int(Int)
    case float(Double)
    case bool(Bool)

    /// The tensor, or an error naming what was there instead.
    public func asTensor(_ what: String = "value") throws -> Tensor {
        guard case .tensor(let t) = self else { throw NNError.invalidArgument("\(what) must be a tensor, got \(kindName)") }
        return t
    }

    /// The tensor, or nil for None.
    public func asOptionalTensor(_ what: String = "value") throws -> Tensor? {
        if case .none = self { return nil }
        return try asTensor(what)
    }

    /// Whether this is None (an argument left at its default).
    public var isNone: Bool { if case .none = self { return true } else { return false } }

    /// A short name for error messages.
    public var kindName: String {
        switch self {
        case .tensor(let t): return "a tensor of shape \(t.shape)"
        case .tuple(let items): return "a tuple of \(items.count)"
        case .none: return "None"
        case .int: return "an int"
        case .float: return "a float"
        case .bool: return "a bool"
        }
    }
}

/// Errors of the module layer, with PyTorch's wording where it has one.
public enum NNError: Error, CustomStringConvertible, Equatable {
    case invalidArgument(String)
    case notImplemented(String)
    case loadFailed(String)

    public var description: String {
        switch self {
        case .invalidArgument(let m), .notImplemented(let m), .loadFailed(let m): return m
        }
    }
}

/// Called after a module's forward with the module and its output (PyTorch's `register_module_forward_hook`);
/// `ckpt summary` uses one to record output shapes. Hooks live in the current `EngineContext`, so a hook sees the
/// calls of its own scope only, never another thread's.
public typealias ModuleForwardHook = @Sendable (Module, ModuleValue) -> Void

/// Where the forward hooks sit in an `EngineContext`.
private enum ForwardHooksKey: EngineContextKey {
    static let defaultValue: [ModuleForwardHook] = []
}

extension EngineContext {
    /// The hooks called, in order, after every module call in this context.
    public var forwardHooks: [ModuleForwardHook] {
        get { self[ForwardHooksKey.self] }
        set { self[ForwardHooksKey.self] = newValue }
    }
}

extension Module {
    /// Runs `body` with `hook` called after every module call inside it (and nowhere else).
    public static func withForwardHook<R>(_ hook: @escaping ModuleForwardHook, _ body: () throws -> R) rethrows -> R {
        try EngineContext.with({ $0.forwardHooks.append(hook) }, body)
    }

    /// Calls the current context's forward hooks with this module and `output`, which is evaluated only when
    /// there is a hook.
    public func runForwardHooks(_ output: @autoclosure () throws -> ModuleValue) rethrows {
        let hooks = EngineContext.current.forwardHooks
        guard !hooks.isEmpty else { return }
        let value = try output()
        for hook in hooks { hook(self, value) }
    }

    /// Calls the module as PyTorch's `module(*args)` does: `forward`, then the forward hooks.
    public func call(_ args: [ModuleValue]) throws -> ModuleValue {
        let output = try forward(args)
        runForwardHooks(output)
        return output
    }

    /// Runs the module on one tensor and returns one tensor (the common layer call, `layer(x)`).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try call([.tensor(x)]).asTensor("\(typeName) output")
    }

    /// Runs the module on any arguments.
    public func callAsFunction(_ args: ModuleValue...) throws -> ModuleValue { try call(args) }
}
