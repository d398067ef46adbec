/// A Python value given to a layer's constructor or a library function, or read back from a layer: what `print(model)`
/// shows between a layer's parentheses (`1, 6, kernel_size=(5, 5)`) and what a forward gets from
/// `self.conv1.kernel_size`.
public indirect enum ArgumentValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case none
    case string(String)
    /// A bare dotted name (`torch.float32`). PyTorch prints some strings unquoted (`padding_mode=reflect`), and a
    /// printout reads them back as names.
    case name(String)
    case tuple([ArgumentValue])

    /// Python's `str()`, which `'{}'.format(v)` in an `extra_repr` prints: strings bare, floats as Python writes them.
    public var description: String {
        switch self {
        case .string(let s), .name(let s): return s
        default: return pythonRepr
        }
    }

    /// Python's `repr()`: strings quoted, tuples of their elements' reprs (`(5,)`, `(3, 5)`).
    public var pythonRepr: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return Module.floatRepr(v)
        case .bool(let v): return v ? "True" : "False"
        case .none: return "None"
        case .string(let s): return "'\(s)'"
        case .name(let n): return n
        case .tuple(let items): return "(" + items.map(\.pythonRepr).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        }
    }

    /// The value as an Int (ints only: `True` is not an int here).
    public var intValue: Int? { if case .int(let v) = self { return v } else { return nil } }

    /// The value as a Double (ints and floats).
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .float(let v): return v
        default: return nil
        }
    }

    /// The value as a Bool.
    public var boolValue: Bool? { if case .bool(let v) = self { return v } else { return nil } }

    /// An int or a tuple of ints as a list (`5` → `[5]`, `(5, 5)` → `[5, 5]`).
    public var intList: [Int]? {
        switch self {
        case .int(let v): return [v]
        case .tuple(let items):
            let ints = items.compactMap(\.intValue)
            return ints.count == items.count ? ints : nil
        default: return nil
        }
    }

    /// Whether this is None.
    public var isNone: Bool { self == .none }

    /// Whether this value is the default `other` as an `extra_repr` decides it: numbers compare by value (`0 == 0.0`),
    /// strings and names alike, and a tuple matches a scalar default when every element does (`padding=(0, 0)` is
    /// the default `0`).
    public func matches(_ other: ArgumentValue) -> Bool {
        switch (self, other) {
        case let (.tuple(items), .tuple(others)):
            return items.count == others.count && zip(items, others).allSatisfy { $0.matches($1) }
        case let (.tuple(items), _):
            return !items.isEmpty && items.allSatisfy { $0.matches(other) }
        case let (.string(a), .name(b)), let (.name(a), .string(b)):
            return a == b
        default:
            if let a = doubleValue, let b = other.doubleValue { return a == b }
            return self == other
        }
    }
}
