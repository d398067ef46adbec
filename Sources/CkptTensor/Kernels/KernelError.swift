/// Bad arguments to a spatial kernel (shapes, sizes, options), in PyTorch's words where it has them. Failures with a
/// structure carry it (what was counted and how many, the sizes that overflow); the op-specific rest carry their
/// message. Tensor ops report these as `TensorError.kernel`.
public enum KernelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A per-dimension list (`kernel_size`, `stride`, …) with `got` entries where `expected` were needed.
    case valueCount(what: String, expected: Int, got: Int)
    /// A per-dimension list with an entry below `minimum`.
    case belowMinimum(what: String, minimum: Int, values: [Int])
    /// Sizes whose product is asked for, one of them negative.
    case negativeSize(what: String, factors: [Int])
    /// Sizes whose product overflows or passes the kernels' element limit (2^30, or the engine context's
    /// `maxOpElements` when lower).
    case tooManyElements(what: String, factors: [Int])
    /// An input with `dims` spatial dimensions where `op` takes 1 to 3.
    case spatialDims(op: String, dims: Int)
    /// A size or offset argument of `op` past the kernels' element limit.
    case argumentTooLarge(op: String, value: Int)
    /// Channel counts that `groups` does not divide.
    case groups(inChannels: Int, outChannels: Int, groups: Int)
    /// Any other bad argument, described in one line.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .valueCount(let what, let expected, let got): return "expected \(expected) values for \(what), got \(got)"
        case .belowMinimum(let what, let minimum, let values): return "\(what) must be at least \(minimum), got \(values)"
        case .negativeSize(let what, let factors): return "\(what): negative size in \(factors)"
        case .tooManyElements(let what, let factors): return "\(what) of \(factors) elements is too large"
        case .spatialDims(let op, let dims): return "\(op) expects 1 to 3 spatial dims, got \(dims)"
        case .argumentTooLarge(let op, let value): return "\(op) argument \(value) is too large"
        case .groups(let inChannels, let outChannels, let groups):
            return "in_channels (\(inChannels)) and out_channels (\(outChannels)) must be divisible by groups (\(groups))"
        case .invalidArgument(let message): return message
        }
    }
}
