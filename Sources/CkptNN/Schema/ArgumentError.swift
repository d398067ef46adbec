/// A call whose arguments do not fit its signature, in Python's words, or a layer size a file may not ask for.
public enum ArgumentError: Error, CustomStringConvertible, Equatable, Sendable {
    case tooManyPositional(callee: String, takes: Int, given: Int)
    case unexpectedKeyword(callee: String, name: String)
    case multipleValues(callee: String, name: String)
    case missing(callee: String, name: String)
    case wrongType(callee: String, name: String, expected: String, got: String)
    case belowMinimum(callee: String, name: String, minimum: Int, got: Int)
    /// A count past what ckpt builds (PyTorch has no such bound): each unit is tensors and objects, however small.
    case aboveMaximum(callee: String, name: String, maximum: Int, got: Int)
    case tooLarge(callee: String, elements: Double)
    /// Too large for what is left of the address space under its limit (`ulimit -v`), built for shapes only.
    case tooLargeForAddressSpace(callee: String, elements: Double)

    public var description: String {
        switch self {
        case let .tooManyPositional(callee, takes, given):
            return "\(callee)() takes \(takes) positional arguments but \(given) were given"
        case let .unexpectedKeyword(callee, name): return "\(callee)() got an unexpected keyword argument '\(name)'"
        case let .multipleValues(callee, name): return "\(callee)() got multiple values for argument '\(name)'"
        case let .missing(callee, name): return "\(callee)() missing required argument '\(name)'"
        case let .wrongType(callee, name, expected, got): return "\(callee)(): '\(name)' must be \(expected), got \(got)"
        case let .belowMinimum(callee, name, minimum, got): return "\(callee)(): '\(name)' must be at least \(minimum), got \(got)"
        case let .aboveMaximum(callee, name, maximum, got):
            return "\(callee)(): '\(name)' is \(got); ckpt builds at most \(maximum)"
        case let .tooLarge(callee, elements):
            return "\(callee)(…) is too large for ckpt's engine (sizes multiply to \(Self.format(elements)))"
        case let .tooLargeForAddressSpace(callee, elements):
            return "\(callee)(…) is too large for the address space left under its limit (ulimit -v; sizes multiply to "
                + "\(Self.format(elements)))"
        }
    }

    private static func format(_ elements: Double) -> String {
        elements < 9.2e18 ? String(Int(elements)) : "\(elements)"
    }
}
