import CkptNN

/// A layer's printed arguments bound to its constructor's parameter names, as Python binds a call.
public struct LayerArguments {
    public let spec: ModuleSpec
    private var values: [String: ArgValue] = [:]

    /// Binds `spec`'s positional arguments to `names` in order and checks every keyword is one of `names`.
    public init(_ spec: ModuleSpec, names: [String]) throws {
        self.spec = spec
        guard spec.args.count <= names.count else {
            throw ModelFileError(line: spec.line, "\(spec.className)() takes \(names.count) positional arguments but \(spec.args.count) were given")
        }
        for (name, value) in zip(names, spec.args) { values[name] = value }
        for (name, value) in spec.kwargs {
            guard names.contains(name) else {
                throw ModelFileError(line: spec.line, "\(spec.className)() got an unexpected keyword argument '\(name)'")
            }
            guard values[name] == nil else {
                throw ModelFileError(line: spec.line, "\(spec.className)() got multiple values for argument '\(name)'")
            }
            values[name] = value
        }
    }

    private func fail(_ name: String, _ expected: String) -> ModelFileError {
        ModelFileError(line: spec.line, "\(spec.className)(): '\(name)' must be \(expected), got \(values[name].map(\.description) ?? "nothing")")
    }

    /// Whether the argument was given (and is not None).
    public func has(_ name: String) -> Bool { values[name].map { $0 != .none } ?? false }

    public func int(_ name: String) throws -> Int {
        guard let v = values[name]?.intValue else { throw fail(name, "an integer") }
        return v
    }

    public func int(_ name: String, default d: Int) throws -> Int { has(name) ? try int(name) : d }

    public func optionalInt(_ name: String) throws -> Int? { has(name) ? try int(name) : nil }

    public func double(_ name: String, default d: Double) throws -> Double {
        guard has(name) else { return d }
        guard let v = values[name]?.doubleValue else { throw fail(name, "a number") }
        return v
    }

    public func optionalDouble(_ name: String) throws -> Double? { has(name) ? try double(name, default: 0) : nil }

    public func bool(_ name: String, default d: Bool) throws -> Bool {
        guard let v = values[name] else { return d }
        guard let b = v.boolValue else { throw fail(name, "True or False") }
        return b
    }

    /// A string argument; PyTorch prints some unquoted (`padding=same`), so bare names are accepted too.
    public func string(_ name: String, default d: String) throws -> String {
        switch values[name] {
        case nil, .some(.none): return d
        case .some(.string(let s)), .some(.name(let s)): return s
        default: throw fail(name, "a string")
        }
    }

    /// An int or a tuple of `count` ints (`5` → `[5, 5]`).
    public func ints(_ name: String, count: Int) throws -> [Int] {
        guard let list = values[name]?.intList else { throw fail(name, "an integer or a tuple of \(count)") }
        if list.count == 1 { return Array(repeating: list[0], count: count) }
        guard list.count == count else { throw fail(name, "an integer or a tuple of \(count)") }
        return list
    }

    public func ints(_ name: String, count: Int, default d: [Int]) throws -> [Int] { has(name) ? try ints(name, count: count) : d }

    /// A tuple of ints of any length (`normalized_shape`).
    public func intList(_ name: String) throws -> [Int] {
        guard let list = values[name]?.intList else { throw fail(name, "an integer or a tuple of integers") }
        return list
    }

    /// The raw value.
    public func value(_ name: String) -> ArgValue? { values[name] }
}
