import Dispatch
import Foundation

/// The Float32 elements behind one or more `Tensor`s: a heap block owned by a class, so tensors and
/// backward closures share it without copying. Reshapes share a buffer; every other op allocates a new one.
///
/// Outside the engine the elements are reached by index or lent for the length of a closure
/// (`withUnsafeBufferPointer`), so no address outlives the buffer; the engine's kernels use `pointer`.
///
/// A buffer may instead hold its elements as a checkpoint stores them (`stored`: float32, float16 or bfloat16 in a
/// mapped file, read-only): the matrix products and `embedding` read those in place, widening tile by tile; any
/// other use of `pointer` widens the whole tensor once into memory of its own (see `StoredElements`).
public final class TensorBuffer {
    /// The Float32 elements this buffer owns (nil for stored elements).
    private let owned: UnsafeMutablePointer<Float>?
    /// Elements in their checkpoint's dtype, read where used (nil for a buffer of Float32 elements).
    let stored: StoredElements?
    /// Number of elements.
    public let count: Int

    /// Start of the elements (valid for `count` elements; never nil, even for zero elements) while this buffer
    /// lives: engine code holds the buffer (or the tensor) for as long as it uses the address. Stored elements are
    /// widened whole on first use (ops that read them in place check `storedElements` first).
    var pointer: UnsafeMutablePointer<Float> {
        if let owned { return owned }
        guard let stored else { preconditionFailure("a tensor buffer with neither elements nor stored elements") }
        return stored.widened
    }

    /// The elements in their checkpoint's dtype, for ops that read them in place: nil for Float32 buffers and once
    /// the elements were widened whole (the widened copy is then the value, and may have been written).
    public var storedElements: StoredElements? {
        guard let stored, !stored.isWidened else { return nil }
        return stored
    }

    /// How a block is given back: to the pool, with `free` or `munmap` (`lazyZeros`), or not at all (stored).
    enum Release { case pool, free, unmap(Int), none }
    private let release: Release

    /// An uninitialised buffer of `count` elements. Callers write every element before reading.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        owned = BufferPool.take(count)
        stored = nil
        release = .pool
    }

    /// A buffer owning `pointer`, a block of at least `count` elements released as `release` says.
    init(adopting pointer: UnsafeMutablePointer<Float>, count: Int, release: Release) {
        owned = pointer; stored = nil; self.count = count; self.release = release
    }

    /// A buffer over elements kept in their checkpoint's dtype.
    init(stored: StoredElements) {
        owned = nil; self.stored = stored; count = stored.count; release = .none
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

    deinit {
        guard let owned else { return }
        switch release {
        case .pool: BufferPool.give(owned, count: count)
        case .free: free(owned)
        case .unmap(let bytes): munmap(owned, bytes)
        case .none: break
        }
    }

    /// A new buffer with the same elements (Float32; stored elements are widened into it).
    public func copy() -> TensorBuffer {
        let out = TensorBuffer(uninitializedCount: count)
        if let stored = storedElements {
            stored.widen(from: 0, count: count, into: out.pointer)
        } else {
            out.pointer.initialize(from: pointer, count: count)
        }
        return out
    }

    /// The elements as an array (tests, printing; not for hot paths).
    public var array: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// Element `i` (checked against `count`).
    public subscript(i: Int) -> Float {
        get {
            precondition(i >= 0 && i < count, "index \(i) out of range for \(count) elements")
            if let stored = storedElements {
                var value: Float = 0
                stored.widen(from: i, count: 1, into: &value)
                return value
            }
            return withExtendedLifetime(self) { pointer[i] }
        }
        set {
            precondition(i >= 0 && i < count, "index \(i) out of range for \(count) elements")
            withExtendedLifetime(self) { pointer[i] = newValue }
        }
    }

    /// Calls `body` with the elements, without copying (stored elements are widened into a temporary copy, which
    /// leaves the tensor as it is); the buffer pointer is valid only inside `body`.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        if storedElements != nil {
            let wide = copy()
            return try withExtendedLifetime(wide) { try body(UnsafeBufferPointer(start: wide.pointer, count: count)) }
        }
        return try withExtendedLifetime(self) { try body(UnsafeBufferPointer(start: pointer, count: count)) }
    }

    /// Calls `body` with the elements to read or write in place; the buffer pointer is valid only inside `body`.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeMutableBufferPointer(start: pointer, count: count)) }
    }
}

extension TensorBuffer {
    /// Blocks from this many elements up are mapped with `MAP_NORESERVE`, so no overcommit check refuses a layer
    /// larger than the machine's memory; smaller ones come from `calloc`.
    static let mappedCount = 1 << 16

    /// `count` zero elements that take memory only where written (shapes-only building, see
    /// `EngineContext.isShapesOnly`): fresh anonymous pages, which the kernel zero-fills on first touch.
    static func lazyZeros(_ count: Int) -> TensorBuffer? {
        if count >= mappedCount {
            let bytes = count * MemoryLayout<Float>.stride
            let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let raw, raw != MAP_FAILED else { return nil }
            return TensorBuffer(adopting: raw.assumingMemoryBound(to: Float.self), count: count, release: .unmap(bytes))
        }
        guard let raw = calloc(max(count, 1), MemoryLayout<Float>.stride) else { return nil }
        return TensorBuffer(adopting: raw.assumingMemoryBound(to: Float.self), count: count, release: .free)
    }
}

/// Recycles freed element blocks of large buffers by exact size. A forward or training step allocates the same
/// sizes every iteration; without reuse each large block came fresh from the kernel (mmap or brk) and every
/// page faulted in again, which cost more than the small ops themselves.
enum BufferPool {
    /// Blocks below this many elements go straight to malloc, which already recycles them cheaply.
    static let minimumCount = 1 << 14
    /// Most elements kept in free blocks (256 MiB of Float); a block that does not fit is released.
    static let limit = 1 << 26
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    nonisolated(unsafe) private static var held = 0
    private static let lock = NSLock()

    /// A block of at least one and at least `count` elements.
    static func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count >= minimumCount {
            lock.lock()
            let block = free[count]?.popLast()
            if block != nil { held -= count }
            lock.unlock()
            if let block { return block }
        }
        return UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    }

    /// Returns a block from `take(count)`: kept for reuse while the pool has room, released otherwise.
    static func give(_ block: UnsafeMutablePointer<Float>, count: Int) {
        if count >= minimumCount {
            lock.lock()
            let keep = held + count <= limit
            if keep { free[count, default: []].append(block); held += count }
            lock.unlock()
            if keep { return }
        }
        block.deallocate()
    }

    /// Releases every kept block.
    static func drain() {
        lock.lock()
        let blocks = free.values.flatMap { $0 }
        free = [:]
        held = 0
        lock.unlock()
        for block in blocks { block.deallocate() }
    }
}

/// Splits loops over elements across cores once they are big enough to pay for it.
public enum Parallel {
    /// Element count below which loops stay on the calling thread.
    public static let threshold = 1 << 15
    /// Chunks a parallel loop is split into: the spatial kernels' thread count (the cores, or
    /// `CKPT_KERNEL_THREADS`), so one setting bounds every loop the engine runs on its own threads.
    public static let chunks = kernelWorkerCount

    /// Calls `body` with disjoint ranges covering `0 ..< count`, concurrently when `count * cost`
    /// passes the threshold. `cost` is a rough per-element weight (1 for an add, ~10 for exp).
    @inline(__always)
    public static func forRanges(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        if count * cost < threshold || count < 2 || chunks < 2 {
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
