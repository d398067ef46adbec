import Foundation

/// A Python function's parameters, written as Python writes them (`"input, dim=None, *, keepdim=False"`), parsed once:
/// names in order with their default values, an optional `*args` parameter, keyword-only ones after a bare `*`.
public struct Signature: Sendable, Equatable, CustomStringConvertible {
    public struct Parameter: Sendable, Equatable {
        public let name: String
        /// nil when the parameter is required.
        public let defaultValue: ArgumentValue?
        public let keywordOnly: Bool
    }

    public let parameters: [Parameter]
    /// The `*name` parameter that collects extra positional arguments (`x.view(*shape)`).
    public let variadic: String?

    /// Parses `"in_features, out_features, bias=True, device=None, dtype=None"`. Defaults are Python literals: None,
    /// True, False, numbers, quoted strings and tuples of them.
    public init(_ python: String) {
        var parameters: [Parameter] = []
        var variadic: String?
        var keywordOnly = false
        for item in Signature.split(python) where !item.isEmpty {
            if item == "*" { keywordOnly = true; continue }
            if item.hasPrefix("*") { variadic = String(item.dropFirst()); keywordOnly = true; continue }
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let value = parts.count == 2 ? Signature.literal(parts[1]) : nil
            precondition(parts.count == 1 || value != nil, "bad default in signature: \(item)")
            parameters.append(Parameter(name: parts[0], defaultValue: value, keywordOnly: keywordOnly))
        }
        self.parameters = parameters
        self.variadic = variadic
    }

    init(parameters: [Parameter], variadic: String?) { self.parameters = parameters; self.variadic = variadic }

    /// The signature as Python writes it.
    public var description: String {
        var items: [String] = []
        var starred = false
        for p in parameters {
            if p.keywordOnly, !starred { items.append(variadic.map { "*" + $0 } ?? "*"); starred = true }
            items.append(p.name + (p.defaultValue.map { "=" + $0.pythonRepr } ?? ""))
        }
        if let v = variadic, !starred { items.append("*" + v) }
        return items.joined(separator: ", ")
    }

    /// The names in order.
    public var names: [String] { parameters.map(\.name) }

    /// The parameter `name`, if there is one.
    public func parameter(_ name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// This signature followed by `other`'s parameters (a functional form's inputs, then its layer's arguments).
    public func appending(_ other: Signature) -> Signature {
        Signature(parameters: parameters + other.parameters, variadic: variadic ?? other.variadic)
    }

    /// Binds a call's arguments as Python does: positional ones to the positional parameters in order (extra ones
    /// to the `*` parameter), then keywords by name; every required parameter must be given. Returns the given
    /// values by name (defaults are not filled in) and the extra positional ones.
    public func bind<V>(_ args: [V], _ keywords: [(name: String, value: V)], callee: String) throws -> (values: [String: V], rest: [V]) {
        let positional = parameters.filter { !$0.keywordOnly }
        var values: [String: V] = [:]
        var rest: [V] = []
        for (i, a) in args.enumerated() {
            if i < positional.count {
                values[positional[i].name] = a
            } else if variadic != nil {
                rest.append(a)
            } else {
                throw ArgumentError.tooManyPositional(callee: callee, takes: positional.count, given: args.count)
            }
        }
        for (name, value) in keywords {
            if name == variadic { rest = [value]; continue }
            guard parameter(name) != nil else { throw ArgumentError.unexpectedKeyword(callee: callee, name: name) }
            guard values[name] == nil else { throw ArgumentError.multipleValues(callee: callee, name: name) }
            values[name] = value
        }
        for p in parameters where p.defaultValue == nil && values[p.name] == nil {
            throw ArgumentError.missing(callee: callee, name: p.name)
        }
        return (values, rest)
    }

    /// Splits at top-level commas.
    private static func split(_ s: String) -> [String] {
        var items: [String] = [], current = "", depth = 0, quote: Character?
        for ch in s {
            if let q = quote { current.append(ch); if ch == q { quote = nil }; continue }
            switch ch {
            case "'", "\"": quote = ch; current.append(ch)
            case "(", "[": depth += 1; current.append(ch)
            case ")", "]": depth -= 1; current.append(ch)
            case "," where depth == 0: items.append(current.trimmingCharacters(in: .whitespaces)); current = ""
            default: current.append(ch)
            }
        }
        items.append(current.trimmingCharacters(in: .whitespaces))
        return items
    }

    /// A default value written as a Python literal.
    static func literal(_ text: String) -> ArgumentValue? {
        let s = text.trimmingCharacters(in: .whitespaces)
        switch s {
        case "None": return ArgumentValue.none
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        default: break
        }
        if let i = Int(s) { return .int(i) }
        if let d = Double(s) { return .float(d) }
        if s.count >= 2, let first = s.first, first == "'" || first == "\"", s.last == first {
            return .string(String(s.dropFirst().dropLast()))
        }
        if s.hasPrefix("("), s.hasSuffix(")") {
            let items = split(String(s.dropFirst().dropLast())).filter { !$0.isEmpty }.map(literal)
            guard items.allSatisfy({ $0 != nil }) else { return nil }
            return .tuple(items.compactMap { $0 })
        }
        return nil
    }
}
