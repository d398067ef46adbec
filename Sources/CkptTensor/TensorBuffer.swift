import Dispatch

/// The Float32 elements behind one or more `Tensor`s: a heap block owned by a class, so tensors and
/// backward closures share it without copying. Reshapes share a buffer; every other op allocates a new one.
public final class TensorBuffer {
    /// Start of the elements (valid for `count` elements; never nil, even for zero elements).
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// An uninitialised buffer of `count` elements. Callers write every element before reading.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    }

    /// A buffer with every element set to `value`.
    public convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// A buffer holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(uninitializedCount: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.initialize(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    /// A new buffer with the same elements.
    public func copy() -> TensorBuffer {
        let out = TensorBuffer(uninitializedCount: count)
        out.pointer.initialize(from: pointer, count: count)
        return out
    }

    /// The elements as an array (tests, printing; not for hot paths).
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Splits loops over elements across cores once they are big enough to pay for it.
public enum Parallel {
    /// Element count below which loops stay on the calling thread.
    public static let threshold = 1 << 15
    /// Chunks a parallel loop is split into.
    public static let chunks = 2

    /// Calls `body` with disjoint ranges covering `0 ..< count`, concurrently when `count * cost`
    /// passes the threshold. `cost` is a rough per-element weight (1 for an add, ~10 for exp).
    @inline(__always)
    public static func forRanges(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        if count * cost < threshold || count < 2 {
            body(0 ..< count)
            return
        }
        let n = min(chunks, count)
        let step = (count + n - 1) / n
        DispatchQueue.concurrentPerform(iterations: n) { c in
            let lo = c * step
            let hi = min(count, lo + step)
            if lo < hi { body(lo ..< hi) }
        }
    }
}
