/// A failed tensor operation, described in one line (shapes, dims and the op's name).
/// Ops throw instead of trapping because shapes come from checkpoints and model files: bad input is normal input.
public enum TensorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Shapes that cannot be combined (broadcasting, matmul, cat, view).
    case shapeMismatch(String)
    /// An argument out of range (a dim, an index, a probability).
    case invalidArgument(String)
    /// Autograd misuse (backward twice without `retainGraph`, a non-scalar without a seed gradient).
    case autograd(String)
    /// A dtype the op does not accept (e.g. float class targets where indices are required).
    case dtype(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m), .invalidArgument(let m), .autograd(let m), .dtype(let m): return m
        }
    }
}
