import CkptNN
import CkptTensor

/// A library call's arguments bound to the function's signature, with typed getters that name the function and
/// the argument when a value has the wrong type.
struct FunctionArguments {
    let function: String
    /// The arguments given, by parameter name.
    let given: [String: PyValue]
    private let signature: Signature
    /// Extra positional arguments for a `*name` parameter (`x.view(-1, 400)`).
    let rest: [PyValue]

    init(_ function: String, _ signature: Signature, _ args: [PyValue], _ keywords: [(name: String, value: PyValue)]) throws {
        self.function = function
        self.signature = signature
        do { (given, rest) = try signature.bind(args, keywords, callee: function) } catch let e as ArgumentError {
            throw InterpreterError(e.description)
        }
    }

    /// The argument as given, else its default, else None.
    func value(_ n: String) -> PyValue { given[n] ?? signature.parameter(n)?.defaultValue.map(PyValue.init) ?? .none }

    func isNone(_ n: String) -> Bool { if case .none = value(n) { return true } else { return false } }

    func tensor(_ n: String) throws -> Tensor {
        guard case .tensor(let t) = value(n) else { throw InterpreterError("\(function)(): argument '\(n)' must be a Tensor, not \(value(n).typeName)") }
        return t
    }

    func optionalTensor(_ n: String) throws -> Tensor? { isNone(n) ? nil : try tensor(n) }

    func tensors(_ n: String) throws -> [Tensor] {
        try Operators.iterate(value(n)).map { v in
            guard case .tensor(let t) = v else { throw InterpreterError("\(function)(): '\(n)' must hold tensors") }
            return t
        }
    }

    func int(_ n: String) throws -> Int { try Operators.int(value(n)) }
    func optionalInt(_ n: String) throws -> Int? { isNone(n) ? nil : try int(n) }
    func double(_ n: String) throws -> Double { try Operators.number(value(n)) }
    func optionalDouble(_ n: String) throws -> Double? { isNone(n) ? nil : try double(n) }
    func bool(_ n: String) throws -> Bool { try value(n).truth() }

    func string(_ n: String) throws -> String {
        guard case .string(let s) = value(n) else { throw InterpreterError("\(function)(): '\(n)' must be a string") }
        return s
    }

    /// An int or a tuple/list of ints.
    func ints(_ n: String) throws -> [Int] {
        switch value(n) {
        case .tuple(let items), .list(let items): return try items.map(Operators.int)
        default: return [try int(n)]
        }
    }

    func optionalInts(_ n: String) throws -> [Int]? { isNone(n) ? nil : try ints(n) }

    /// Sizes given either as separate ints (`view(-1, 400)`) or as one tuple (`view((-1, 400))`), after `first`.
    func sizes(first: String?) throws -> [Int] {
        var all: [PyValue] = []
        if let first, !isNone(first) { all.append(value(first)) }
        all += rest
        if all.count == 1, case .tuple(let items) = all[0] { return try items.map(Operators.int) }
        if all.count == 1, case .list(let items) = all[0] { return try items.map(Operators.int) }
        return try all.map(Operators.int)
    }
}

extension PyValue {
    /// A Python literal (a signature's default) as a value.
    init(_ argument: ArgumentValue) {
        switch argument {
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .bool(let b): self = .bool(b)
        case .none: self = .none
        case .string(let s): self = .string(s)
        case .name(let n): self = .function(n)
        case .tuple(let items): self = .tuple(items.map(PyValue.init))
        }
    }

    /// The value as a layer argument (`F.leaky_relu(x, 0.2)`'s slope); tensors and modules are not arguments.
    func argument(_ function: String, _ name: String) throws -> ArgumentValue {
        switch self {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .string(let s): return .string(s)
        case .function(let n): return .name(n)
        case .tuple(let items), .list(let items): return .tuple(try items.map { try $0.argument(function, name) })
        default: throw InterpreterError("\(function)(): argument '\(name)' must be a number, a string or a tuple, not \(typeName)")
        }
    }
}
