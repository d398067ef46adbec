import CkptNN
import CkptTensor

/// A value inside the forward interpreter.
indirect enum PyValue {
    case tensor(Tensor)
    case module(Module)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case none
    case string(String)
    case tuple([PyValue])
    case list([PyValue])
    /// A builtin or library function by qualified name (`F.relu`, `torch.cat`, `len`).
    case function(String)
    /// A method bound to its receiver (`x.view`, `self.children`).
    case method(PyValue, String)
    /// A module namespace (`F`, `torch`, `nn`).
    case namespace(String)

    var typeName: String {
        switch self {
        case .tensor: return "Tensor"
        case .module(let m): return m.typeName
        case .int: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .none: return "NoneType"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .function(let n): return "function \(n)"
        case .method(_, let n): return "method \(n)"
        case .namespace(let n): return "module \(n)"
        }
    }

    init(_ value: ModuleValue) {
        switch value {
        case .tensor(let t): self = .tensor(t)
        case .tuple(let items): self = .tuple(items.map(PyValue.init))
        case .none: self = .none
        case .int(let i): self = .int(i)
        case .float(let f): self = .float(f)
        case .bool(let b): self = .bool(b)
        }
    }

    /// The value as a module argument or result.
    func moduleValue() throws -> ModuleValue {
        switch self {
        case .tensor(let t): return .tensor(t)
        case .tuple(let items), .list(let items): return .tuple(try items.map { try $0.moduleValue() })
        case .none: return .none
        case .int(let i): return .int(i)
        case .float(let f): return .float(f)
        case .bool(let b): return .bool(b)
        default: throw InterpreterError("a \(typeName) cannot be passed to or returned from a module")
        }
    }

    /// Truthiness as Python defines it (a one-element tensor by its value).
    func truth() throws -> Bool {
        switch self {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let f): return f != 0
        case .none: return false
        case .string(let s): return !s.isEmpty
        case .tuple(let items), .list(let items): return !items.isEmpty
        case .tensor(let t):
            guard t.numel == 1 else { throw InterpreterError("Boolean value of Tensor with more than one value is ambiguous") }
            return try t.item() != 0
        default: return true
        }
    }
}

/// An error raised while running a forward method (the interpreter adds the line).
struct InterpreterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
