import CkptCore

/// An engine tensor: contiguous row-major Float32 elements, a shape, and autograd state.
///
/// Element kinds: every tensor stores Float32, and `dtype` says how to read it — `.float32` (values),
/// `.int64` (indices: class targets, embedding ids, argmax results; exact for |v| ≤ 2^24) or `.bool`
/// (comparison results, masks: 0 or 1). Ops that need indices check `dtype` and the values.
///
/// Autograd follows PyTorch: a tensor with `requiresGrad` and no `gradFn` is a leaf whose `grad`
/// accumulates across `backward()` calls; results of ops on such tensors carry a `gradFn` node.
public final class Tensor {
    /// The elements (shared by reshapes of this tensor).
    public internal(set) var buffer: TensorBuffer
    /// Dimensions, outermost first. `[]` is a scalar.
    public internal(set) var shape: [Int]
    /// How the Float32 elements are interpreted: `.float32`, `.int64` or `.bool`.
    public internal(set) var dtype: DType
    /// True when gradients flow to (leaf) or through (non-leaf) this tensor.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf (nil until a backward pass reaches it).
    public var grad: Tensor?
    /// The node that produced this tensor (nil for leaves and for results computed without grad).
    public internal(set) var gradFn: GradFn?
    /// Which output of `gradFn` this tensor is (PyTorch's `output_nr`): 0 but for the pieces of `unbind` and `split`.
    public internal(set) var outputNr = 0
    /// The leaf's `AccumulateGrad` node, created on first use and reused, as PyTorch does.
    var accumulator: AccumulateGrad?

    /// A tensor over `buffer` (which must hold exactly `shape`'s element count).
    public init(buffer: TensorBuffer, shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) {
        precondition(Tensor.count(shape) == buffer.count, "buffer of \(buffer.count) elements for shape \(shape)")
        self.buffer = buffer
        self.shape = shape
        self.dtype = dtype
        self.requiresGrad = requiresGrad
    }

    /// A tensor holding `values` in row-major order. Throws when the count does not match `shape`.
    public convenience init(_ values: [Float], shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) throws {
        guard TensorEntry.checkedNumel(shape) == values.count else {
            throw TensorError.valueCount(count: values.count, shape: shape)
        }
        self.init(buffer: TensorBuffer(values), shape: shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A 1-D tensor holding `values`.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(buffer: TensorBuffer(values), shape: [values.count], requiresGrad: requiresGrad)
    }

    /// A 0-d tensor.
    public convenience init(scalar: Float, dtype: DType = .float32, requiresGrad: Bool = false) {
        self.init(buffer: TensorBuffer([scalar]), shape: [], dtype: dtype, requiresGrad: requiresGrad)
    }

    /// An `.int64` index tensor (class targets, embedding ids).
    public convenience init(indices: [Int], shape: [Int]) throws {
        try self.init(indices.map { Float($0) }, shape: shape, dtype: .int64)
    }

    /// Product of `shape` (1 for a scalar).
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The element count of `shape`, checked: no negative dims, no overflow, at most the current context's
    /// `limits.maxOpElements`. Shapes come from files and model files, so a result larger than the limit throws
    /// instead of exhausting memory.
    public static func checkedCount(_ shape: [Int]) throws -> Int {
        guard let n = TensorEntry.checkedNumel(shape) else {
            throw TensorError.invalidShape(shape: shape)
        }
        let maxElements = EngineContext.maxOpElementsNow
        guard n <= maxElements else {
            throw TensorError.tooManyElements(shape: shape, count: n, limit: maxElements)
        }
        return n
    }

    /// Number of elements.
    public var numel: Int { buffer.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// PyTorch's spelling of `rank`.
    public var ndim: Int { shape.count }
    /// True for results of recorded ops; false for tensors the user created.
    public var isLeaf: Bool { gradFn == nil }
    /// Row-major strides in elements.
    public var strides: [Int] { TensorEntry.contiguousStrides(shape) }

    /// Size of dimension `dim` (negative counts from the end).
    public func size(_ dim: Int) throws -> Int { shape[try normalizeDim(dim)] }

    /// The elements in row-major order.
    public var scalars: [Float] { buffer.array }

    /// The elements as integers (for `.int64` / `.bool` tensors).
    public var indices: [Int] { buffer.array.map { Int($0) } }

    /// The single element of a one-element tensor.
    public func item() throws -> Float {
        guard numel == 1 else { throw TensorError.notAScalar(count: numel) }
        return buffer.pointer[0]
    }

    /// `dim` made non-negative for a tensor of `rank` (PyTorch's wrap: -1 is the last dim). Scalars accept 0 and -1.
    public static func normalizeDim(_ dim: Int, rank: Int) throws -> Int {
        let r = Swift.max(rank, 1)
        guard dim >= -r, dim < r else {
            throw TensorError.dimensionOutOfRange(dim: dim, rank: rank)
        }
        return dim < 0 ? dim + r : dim
    }

    /// `dim` made non-negative for this tensor.
    public func normalizeDim(_ dim: Int) throws -> Int { try Tensor.normalizeDim(dim, rank: rank) }
}

// MARK: - Creation

extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        if EngineContext.isShapesOnlyNow, let lazy = TensorBuffer.lazyZeros(count(shape)) {
            return Tensor(buffer: lazy, shape: shape, dtype: dtype, requiresGrad: requiresGrad)
        }
        return Tensor(buffer: TensorBuffer(repeating: value, count: count(shape)), shape: shape, dtype: dtype,
                      requiresGrad: requiresGrad)
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`, for shapes from untrusted input (checked by `checkedCount`).
    public static func filled(_ shape: [Int], _ value: Float, dtype: DType = .float32) throws -> Tensor {
        _ = try checkedCount(shape)
        return full(shape, value, dtype: dtype)
    }

    /// A tensor of zeros shaped like `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }
    /// A tensor of ones shaped like `other`.
    public static func ones(like other: Tensor) -> Tensor { ones(other.shape, dtype: other.dtype) }

    /// `[start, start + step, …)` below `end`, as `torch.arange` (an `.int64` tensor when all arguments are whole).
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else { throw TensorError.invalidArgument("arange: step must be nonzero and bounds finite") }
        let steps = (Double(end) - Double(start)) / Double(step)
        guard steps <= Double(EngineContext.maxOpElementsNow) else { throw TensorError.invalidArgument("arange: \(steps) elements is too many") }
        let n = Swift.max(0, Int(steps.rounded(.up)))
        var values = [Float](repeating: 0, count: n)
        for i in 0 ..< n { values[i] = start + Float(i) * step }
        let whole = start == start.rounded() && step == step.rounded() && end == end.rounded()
        return try Tensor(values, shape: [n], dtype: whole ? .int64 : .float32)
    }

    /// The `n × m` identity (`m` defaults to `n`).
    public static func eye(_ n: Int, _ m: Int? = nil) -> Tensor {
        let cols = m ?? n
        let t = zeros([n, cols])
        for i in 0 ..< Swift.min(n, cols) { t.buffer.pointer[i * cols + i] = 1 }
        return t
    }

    /// A new leaf with a copy of the elements, shape and dtype (no autograd history; `clone()` records one).
    public func detachedCopy() -> Tensor {
        Tensor(buffer: buffer.copy(), shape: shape, dtype: dtype)
    }
}
