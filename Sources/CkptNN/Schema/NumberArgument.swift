/// A number argument as the user gave it: PyTorch keeps ints and floats apart and prints them back as given
/// (`Threshold(threshold=0.1, value=20)`, `Hardtanh(min_val=-2, max_val=3)`, `LocalResponseNorm(2, …, k=1.0)`),
/// so the repr needs to know which it was.
public struct NumberArgument: Equatable, Sendable, CustomStringConvertible, ExpressibleByFloatLiteral,
                              ExpressibleByIntegerLiteral {
    public let value: Double
    /// The int as written, for an int argument: a Double does not hold every Int (`Int.max` rounds up past it).
    public let integer: Int?
    public var isInteger: Bool { integer != nil }

    /// A float argument (`0.5`).
    public init(_ value: Double) { self.value = value; integer = nil }
    /// An int argument (`2`).
    public init(integer value: Int) { self.value = Double(value); integer = value }
    public init(floatLiteral value: Double) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(integer: value) }

    /// As Float32, the precision ops use.
    public var float: Float { Float(value) }

    /// Python's repr: `2` for an int, `2.0`, `1e-05` for a float.
    public var description: String { integer.map { String($0) } ?? Module.floatRepr(value) }
}
