import CBLAS
import Foundation

/// A floating-point element type the spatial kernels run on: `Float` for the engine, `Double` for
/// finite-difference gradient checks. Supplies the BLAS GEMM of its precision.
protocol KernelScalar: BinaryFloatingPoint {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C` with `op(A)` of shape `m × k` and `op(B)` `k × n`.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: KernelScalar {
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: KernelScalar {
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                     a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                     beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// Splits `count` independent items over the cores when the total work (`count * costPerItem`
/// elementary operations) is worth a thread hop; runs inline otherwise.
@inline(__always)
func kernelParallelFor(_ count: Int, costPerItem: Int, _ body: (Int) -> Void) {
    let workers = min(count, kernelWorkerCount)
    if workers < 2 || count * costPerItem < 1 << 16 {
        for i in 0..<count { body(i) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let lo = count * w / workers, hi = count * (w + 1) / workers
        for i in lo..<hi { body(i) }
    }
}

/// Splits `0..<count` into one contiguous range per worker (when `parallel` and there are two or more of
/// each), for loops that need per-worker scratch memory; runs `body(0..<count)` inline otherwise.
func kernelParallelRanges(_ count: Int, parallel: Bool, _ body: (Range<Int>) -> Void) {
    let workers = min(count, kernelWorkerCount)
    if !parallel || workers < 2 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        body(count * w / workers ..< count * (w + 1) / workers)
    }
}

/// Threads the spatial kernels split their loops over: the core count, or `CKPT_KERNEL_THREADS` when set
/// (benchmarks use it to compare against a fixed thread count).
let kernelWorkerCount: Int = {
    if let text = ProcessInfo.processInfo.environment["CKPT_KERNEL_THREADS"], let n = Int(text), n >= 1 { return n }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
}()

/// Checks a list of per-dimension integers: `count` entries, each at least `minimum`.
func checkDims(_ values: [Int], count: Int, minimum: Int, _ what: String) throws(KernelError) {
    guard values.count == count else {
        throw .valueCount(what: what, expected: count, got: values.count)
    }
    for v in values where v < minimum {
        throw .belowMinimum(what: what, minimum: minimum, values: values)
    }
}

/// Pads a 1- to 3-element spatial list at the front to three entries (`fill` for the missing leading dims).
func padTo3(_ values: [Int], fill: Int) -> [Int] {
    Array(repeating: fill, count: 3 - values.count) + values
}

/// The most elements one kernel buffer may hold (4 GiB of Float): larger requests come from hostile or
/// mistaken sizes (a padding of 10⁹ in a model file) and are refused before anything is allocated.
let kernelElementLimit = 1 << 30

/// The product of `factors`, or a thrown error when it overflows or passes `kernelElementLimit` or the engine
/// context's `maxOpElements`: a kernel's output and scratch buffers (a convolution's column matrix) are what its op
/// allocates.
func checkedProduct(_ factors: [Int], _ what: String) throws(KernelError) -> Int {
    let limit = Swift.min(kernelElementLimit, EngineContext.maxOpElementsNow)
    var total = 1
    for f in factors {
        guard f >= 0 else { throw .negativeSize(what: what, factors: factors) }
        let (p, overflow) = total.multipliedReportingOverflow(by: f)
        guard !overflow, p <= limit else {
            throw .tooManyElements(what: what, factors: factors)
        }
        total = p
    }
    return total
}
