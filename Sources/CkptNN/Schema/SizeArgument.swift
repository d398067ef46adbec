/// A size argument as the user gave it: one int (`kernel_size=2`) or a tuple (`(3, 5)`). PyTorch prints it back
/// in the same form, so the repr needs to know which.
public struct SizeArgument: Equatable, Sendable, CustomStringConvertible {
    public var values: [Int]
    public var isScalar: Bool

    public init(_ value: Int) { values = [value]; isScalar = true }
    public init(_ values: [Int]) { self.values = values; isScalar = false }

    /// The values expanded to `n` dims (`2` → `[2, 2]`).
    public func expanded(_ n: Int) -> [Int] { isScalar || values.count == 1 ? Array(repeating: values.first ?? 0, count: n) : values }

    /// As a tuple of `n` (what `_pair` makes of it: Conv layers always print tuples).
    public func tupled(_ n: Int) -> SizeArgument { SizeArgument(expanded(n)) }

    /// Python's repr: `2` or `(3, 5)` or `(3,)`.
    public var description: String { isScalar ? String(values.first ?? 0) : Module.tupleRepr(values) }
}
