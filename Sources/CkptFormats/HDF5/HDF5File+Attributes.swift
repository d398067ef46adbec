import CkptCore

/// An attribute's value: strings (fixed- or variable-length, decoded as UTF-8), numbers, or a description.
enum HDF5Value: Equatable {
    case strings([String], scalar: Bool)
    case ints([Int], scalar: Bool)
    case floats([Double], scalar: Bool)
    case other(String)

    /// The strings of a string value (one for a scalar), else nil.
    var strings: [String]? {
        if case .strings(let s, _) = self { return s }
        // Keras 3 writes an empty `weight_names` as an empty float64 array.
        if case .floats(let f, _) = self, f.isEmpty { return [] }
        return nil
    }

    /// The value as one line of text: a scalar as itself, an array as `[a, b]` (strings quoted).
    var text: String {
        func list<T>(_ xs: [T], scalar: Bool, _ show: (T) -> String) -> String {
            scalar && xs.count == 1 ? show(xs[0]) : "[" + xs.map(show).joined(separator: ", ") + "]"
        }
        switch self {
        case .strings(let s, let scalar):
            return scalar && s.count == 1 ? s[0] : "[" + s.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .ints(let v, let scalar): return list(v, scalar: scalar) { String($0) }
        case .floats(let v, let scalar): return list(v, scalar: scalar) { String($0) }
        case .other(let d): return "<\(d)>"
        }
    }

    /// As a checkpoint value (metadata of a non-tensor dataset).
    var checkpointValue: CheckpointValue {
        func wrap<T>(_ xs: [T], _ scalar: Bool, _ f: (T) -> CheckpointValue) -> CheckpointValue {
            scalar && xs.count == 1 ? f(xs[0]) : .list(xs.map(f))
        }
        switch self {
        case .strings(let s, let scalar): return wrap(s, scalar) { .string($0) }
        case .ints(let v, let scalar): return wrap(v, scalar) { .int($0) }
        case .floats(let v, let scalar): return wrap(v, scalar) { .float($0) }
        case .other(let d): return .string("<\(d)>")
        }
    }
}

extension HDF5File {
    /// The names of the attributes of object `index`, in name order.
    func attributeNames(of index: Int) throws -> [String] {
        try object(index).attributes.get().map(\.name)
    }

    /// The attribute `name` of object `index`, or nil when it does not exist (or its list could not be read).
    func attribute(_ name: String, of index: Int) throws -> HDF5Value? {
        guard case .success(let attributes) = object(index).attributes,
              let entry = attributes.first(where: { $0.name == name }) else { return nil }
        return try entry.value.get()
    }
}
