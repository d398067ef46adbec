import CkptCore

/// One loaded `param_groups[i]` dict of an optimizer state_dict, read with Python's types: numbers may be ints
/// or floats (`weight_decay=0`), flags are bools, `foreach`/`fused` may be `None`, `betas` is a pair.
/// A key the optimizer needs and does not find is an error naming the key and listing what the group holds
/// (usually another optimizer's state: an Adam group has no `momentum`).
public struct ParamGroup {
    /// The group as loaded.
    public let dict: CheckpointDict
    /// Its index in `param_groups`, for messages.
    public let index: Int

    public init(_ dict: CheckpointDict, index: Int = 0) {
        self.dict = dict
        self.index = index
    }

    /// The group's string keys, in order.
    public var keys: [String] { dict.items.keys.map(\.description) }

    /// A number PyTorch needs (no default: its step would raise `KeyError`).
    public func number(_ key: String) throws -> Double {
        guard let value = dict[key] else { throw missing(key) }
        return try number(key, value)
    }

    /// A bool flag, `fallback` when absent (the optimizer's `__setstate__` `setdefault` for older state_dicts).
    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = dict[key] else { return fallback }
        guard case .bool(let b) = value else { throw wrongType(key, value, expected: "a bool") }
        return b
    }

    /// A `bool | None` flag (`foreach`, `fused`), `fallback` when absent.
    public func optionalBool(_ key: String, default fallback: Bool?) throws -> Bool? {
        guard let value = dict[key] else { return fallback }
        switch value {
        case .none: return nil
        case .bool(let b): return b
        default: throw wrongType(key, value, expected: "a bool or None")
        }
    }

    /// A pair of numbers (`betas`), saved as a tuple (or a list).
    public func pair(_ key: String) throws -> (Double, Double) {
        guard let value = dict[key] else { throw missing(key) }
        switch value {
        case .tuple(let xs) where xs.count == 2, .list(let xs) where xs.count == 2:
            return (try number("\(key)[0]", xs[0]), try number("\(key)[1]", xs[1]))
        default:
            throw wrongType(key, value, expected: "a pair of numbers")
        }
    }

    private func number(_ key: String, _ value: CheckpointValue) throws -> Double {
        switch value {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default: throw wrongType(key, value, expected: "a number")
        }
    }

    private var name: String { "param_groups[\(index)]" }

    private func missing(_ key: String) -> NNError {
        .loadFailed("loaded optimizer state's \(name) has no '\(key)' (it holds \(keys.joined(separator: ", "))): is it another optimizer's state?")
    }

    private func wrongType(_ key: String, _ value: CheckpointValue, expected: String) -> NNError {
        .loadFailed("loaded optimizer state's \(name)['\(key)'] is \(value.pythonTypeName), expected \(expected)")
    }
}
