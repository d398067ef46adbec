/// A failed tensor operation, described in one line (shapes, dims and the op's name), in PyTorch's words where it has
/// them. Ops throw instead of trapping because shapes come from checkpoints and model files: bad input is normal
/// input. Failures with a structure carry it (a dim and a rank, shapes that do not combine, a count and its limit);
/// the op-specific rest carry their message.
public enum TensorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `dim` outside `[-rank, rank - 1]` (a scalar accepts 0 and -1).
    case dimensionOutOfRange(dim: Int, rank: Int)
    /// Two shapes that do not broadcast: sizes `a` and `b` differ at non-singleton dimension `dim`.
    case broadcast(a: Int, b: Int, dim: Int)
    /// Matrix operands whose inner sizes differ, as `mat1` and `mat2` of the matrix product (`[rows, cols]`).
    case matrixShapes(mat1: [Int], mat2: [Int])
    /// A view or reshape to `shape` of a tensor of `count` elements.
    case viewShape(shape: [Int], count: Int)
    /// `count` values for a tensor of `shape`.
    case valueCount(count: Int, shape: [Int])
    /// A shape with negative dimensions or an element count that overflows.
    case invalidShape(shape: [Int])
    /// A shape of `count` elements, more than the engine context's `limit` (`EngineLimits.maxOpElements`).
    case tooManyElements(shape: [Int], count: Int, limit: Int)
    /// An expand of a tensor of shape `source` to `target` (aligned from the right) whose size at `dim` differs from
    /// the tensor's non-singleton size there.
    case expandedSize(target: [Int], source: [Int], dim: Int)
    /// `index` outside dimension `dim` of size `size`.
    case indexOutOfRange(index: Int, dim: Int, size: Int)
    /// `item()` of a tensor of `count` elements.
    case notAScalar(count: Int)
    /// A spatial kernel refused its sizes or options.
    case kernel(KernelError)
    /// Other shapes that cannot be combined (cat, stack, losses, normalisation).
    case shapeMismatch(String)
    /// Other arguments out of range (an index, a probability, an option).
    case invalidArgument(String)
    /// Autograd misuse (backward twice without `retainGraph`, a non-scalar without a seed gradient).
    case autograd(String)
    /// A dtype the op does not accept (e.g. float class targets where indices are required).
    case dtype(String)

    public var description: String {
        switch self {
        case .dimensionOutOfRange(let dim, let rank):
            let r = Swift.max(rank, 1)
            return "Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))"
        case .broadcast(let a, let b, let dim):
            return "The size of tensor a (\(a)) must match the size of tensor b (\(b)) at non-singleton dimension \(dim)"
        case .matrixShapes(let mat1, let mat2):
            let x = { (shape: [Int]) in shape.map(String.init).joined(separator: "x") }
            return "mat1 and mat2 shapes cannot be multiplied (\(x(mat1)) and \(x(mat2)))"
        case .viewShape(let shape, let count): return "shape '\(shape)' is invalid for input of size \(count)"
        case .valueCount(let count, let shape): return "\(count) values cannot fill shape \(shape)"
        case .invalidShape(let shape): return "invalid shape \(shape): negative or overflowing dimensions"
        case .tooManyElements(let shape, let count, let limit):
            return "shape \(shape) has \(count) elements, more than the \(limit) allowed"
        case .expandedSize(let target, let source, let dim):
            let lead = target.count - source.count, existing = dim < lead ? 1 : source[dim - lead]
            return "The expanded size of the tensor (\(target[dim])) must match the existing size (\(existing)) "
                + "at non-singleton dimension \(dim). Target sizes: \(target). Tensor sizes: \(source)"
        case .indexOutOfRange(let index, let dim, let size):
            return "index \(index) is out of bounds for dimension \(dim) with size \(size)"
        case .notAScalar(let count): return "a Tensor with \(count) elements cannot be converted to Scalar"
        case .kernel(let error): return error.description
        case .shapeMismatch(let m), .invalidArgument(let m), .autograd(let m), .dtype(let m): return m
        }
    }
}
