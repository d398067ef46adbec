@testable import CkptTensor

/// Runs `body` with mutable buffers of the given sizes (filled with NaN, so an element a kernel forgets shows) and
/// returns their contents: how the kernel tests call the pointer-level kernels.
func withOutputs<T: KernelScalar>(_ counts: [Int], _ body: ([UnsafeMutablePointer<T>]) throws -> Void) rethrows -> [[T]] {
    let buffers = counts.map { n -> UnsafeMutablePointer<T> in
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1))
        p.initialize(repeating: T.nan, count: max(n, 1))
        return p
    }
    defer { buffers.forEach { $0.deallocate() } }
    try body(buffers)
    return zip(buffers, counts).map { Array(UnsafeBufferPointer(start: $0, count: $1)) }
}

/// `withOutputs` for a kernel that fills one buffer of `count` elements.
func withOutput<T: KernelScalar>(_ count: Int, _ body: (UnsafeMutablePointer<T>) throws -> Void) rethrows -> [T] {
    try withOutputs([count]) { try body($0[0]) }[0]
}
