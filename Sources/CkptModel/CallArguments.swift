import CkptTensor

/// Arguments of a library-function call bound to a Python-style signature (`["input", "dim=None", "*size"]`).
struct CallArguments {
    let function: String
    private var values: [String: PyValue] = [:]
    /// Extra positional arguments for a `*name` parameter (`x.view(-1, 400)`).
    private(set) var rest: [PyValue] = []

    init(_ function: String, _ args: [PyValue], _ kwargs: [String: PyValue], _ signature: [String]) throws {
        self.function = function
        var names: [String] = []
        var positional: [String] = []
        var star: String?
        for entry in signature {
            if entry.hasPrefix("*") { star = String(entry.dropFirst()); continue }
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            names.append(parts[0])
            if star == nil { positional.append(parts[0]) }
            if parts.count == 2 { values[parts[0]] = CallArguments.literal(parts[1]) }
        }
        for (i, a) in args.enumerated() {
            if i < positional.count {
                values[positional[i]] = a
            } else if star != nil {
                rest.append(a)
            } else {
                throw InterpreterError("\(function)() takes \(positional.count) positional arguments but \(args.count) were given")
            }
        }
        for (k, v) in kwargs {
            guard names.contains(k) || k == star else { throw InterpreterError("\(function)() got an unexpected keyword argument '\(k)'") }
            if k == star { rest = [v] } else { values[k] = v }
        }
        for n in names where values[n] == nil { throw InterpreterError("\(function)() missing required argument '\(n)'") }
    }

    private static func literal(_ s: String) -> PyValue {
        switch s {
        case "None": return .none
        case "True": return .bool(true)
        case "False": return .bool(false)
        default:
            if let i = Int(s) { return .int(i) }
            if let d = Double(s) { return .float(d) }
            return .string(s.trimmingCharacters(in: CharacterSet(charactersIn: "'")))
        }
    }

    func value(_ n: String) -> PyValue { values[n] ?? .none }

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

import Foundation
