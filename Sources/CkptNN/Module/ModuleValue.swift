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

/// Called after every module call with the module and its output (PyTorch's global forward hook); `ckpt summary`
/// uses it to record output shapes. Single-threaded use only.
public nonisolated(unsafe) var moduleForwardHook: ((Module, ModuleValue) -> Void)?

extension Module {
    /// Calls the module as PyTorch's `module(*args)` does: `forward`, then the forward hook.
    public func call(_ args: [ModuleValue]) throws -> ModuleValue {
        let output = try forward(args)
        moduleForwardHook?(self, output)
        return output
    }

    /// Runs the module on one tensor and returns one tensor (the common layer call, `layer(x)`).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try call([.tensor(x)]).asTensor("\(typeName) output")
    }

    /// Runs the module on any arguments.
    public func callAsFunction(_ args: ModuleValue...) throws -> ModuleValue { try call(args) }
}
