import Foundation

/// Building a module only to read its keys and shapes (`ckpt count MODEL`, `load-into` without `-o`): inside
/// `Tensor.withoutInitialization`, new tensors get zero pages the operating system maps lazily and random
/// initialisers leave them untouched, so a printout of a 7B-parameter model costs its metadata, not 28 GB of
/// memory and minutes of random numbers. The mode is task-local.
extension Tensor {
    @TaskLocal static var initializationDeferred = false

    /// Whether this code runs inside `withoutInitialization`.
    public static var isInitializationDeferred: Bool { initializationDeferred }

    /// Runs `body` with initialisation deferred: tensor values are zeros, never written, and must not be used.
    public static func withoutInitialization<T>(_ body: () throws -> T) rethrows -> T {
        try $initializationDeferred.withValue(true, operation: body)
    }
}

extension TensorBuffer {
    /// Blocks from this many elements up are mapped with `MAP_NORESERVE`, so no overcommit check refuses a layer
    /// larger than the machine's memory; smaller ones come from `calloc`.
    static let mappedCount = 1 << 16

    /// `count` zero elements that take memory only where written: fresh anonymous pages, which the kernel
    /// zero-fills on first touch.
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
