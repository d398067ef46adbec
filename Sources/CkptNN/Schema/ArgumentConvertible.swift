import CkptTensor

/// A Swift type a Python argument converts to and from: layers read their constructor arguments as these
/// (`try arguments["kernel_size"] as SizeArgument`) and expose their attributes as them.
public protocol ArgumentConvertible {
    /// The value of a Python argument, or nil when it is not of this type.
    init?(argument: ArgumentValue)
    /// The value as Python holds it.
    var argument: ArgumentValue { get }
    /// What a value of this type is, for errors ("an integer").
    static var expected: String { get }
}

extension Int: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        guard let v = argument.intValue else { return nil }
        self = v
    }
    public var argument: ArgumentValue { .int(self) }
    public static var expected: String { "an integer" }
}

extension Double: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        guard let v = argument.doubleValue else { return nil }
        self = v
    }
    public var argument: ArgumentValue { .float(self) }
    public static var expected: String { "a number" }
}

extension Bool: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        guard let v = argument.boolValue else { return nil }
        self = v
    }
    public var argument: ArgumentValue { .bool(self) }
    public static var expected: String { "True or False" }
}

/// A string argument; PyTorch prints some unquoted (`padding=same`), so bare names are accepted too.
extension String: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        switch argument {
        case .string(let s), .name(let s): self = s
        default: return nil
        }
    }
    public var argument: ArgumentValue { .string(self) }
    public static var expected: String { "a string" }
}

/// A tuple of ints of any length (`normalized_shape`); one int is a 1-tuple.
extension Array: ArgumentConvertible where Element == Int {
    public init?(argument: ArgumentValue) {
        guard let list = argument.intList else { return nil }
        self = list
    }
    public var argument: ArgumentValue { .tuple(map { .int($0) }) }
    public static var expected: String { "an integer or a tuple of integers" }
}

/// None, or a value of the wrapped type.
extension Optional: ArgumentConvertible where Wrapped: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        if argument.isNone {
            self = .none
            return
        }
        guard let value = Wrapped(argument: argument) else { return nil }
        self = .some(value)
    }
    public var argument: ArgumentValue { map(\.argument) ?? .none }
    public static var expected: String { Wrapped.expected + " or None" }
}

/// Any value, unconverted.
extension ArgumentValue: ArgumentConvertible {
    public init?(argument: ArgumentValue) { self = argument }
    public var argument: ArgumentValue { self }
    public static var expected: String { "a value" }
}

extension SizeArgument: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        if let i = argument.intValue {
            self.init(i)
        } else if case .tuple = argument, let list = argument.intList {
            self.init(list)
        } else {
            return nil
        }
    }
    public var argument: ArgumentValue { isScalar ? .int(values.first ?? 0) : .tuple(values.map { .int($0) }) }
    public static var expected: String { "an int or a tuple of ints" }
}

extension NumberArgument: ArgumentConvertible {
    public init?(argument: ArgumentValue) {
        switch argument {
        case .int(let i): self.init(integer: i)
        case .float(let d): self.init(d)
        default: return nil
        }
    }
    public var argument: ArgumentValue { integer.map { .int($0) } ?? .float(value) }
    public static var expected: String { "a number" }
}

/// A string-valued option with a fixed set of values (`approximate='tanh'`, `padding_mode='zeros'`).
public protocol ArgumentChoice: ArgumentConvertible, RawRepresentable, CaseIterable where RawValue == String {}

extension ArgumentChoice {
    public init?(argument: ArgumentValue) {
        guard let s = String(argument: argument), let v = Self(rawValue: s) else { return nil }
        self = v
    }
    public var argument: ArgumentValue { .string(rawValue) }
    public static var expected: String { "one of " + allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") }
}

extension Tensor.GeluApproximation: ArgumentChoice {}
extension PadMode: ArgumentChoice {}
extension Reduction: ArgumentChoice {}
