import CkptCore
import Foundation

/// Streams the value comparison of same-shape tensor pairs over the cores.
///
/// Tensors are taken in order: a big one is split into chunks compared in parallel; runs of small ones are
/// compared in parallel, one tensor per task. Each chunk's pages are dropped from the resident set once
/// compared, so memory stays near a few chunks (plus the largest tensor when a format must materialise it),
/// not near the file. Bit-identical chunks of equal dtypes are recognised with `memcmp` and not decoded.
/// Partial results merge in a fixed order, so the figures do not depend on scheduling.
struct DiffEngine {
    var atol: Double
    var rtol: Double
    /// Told the bytes compared after each tensor or batch, on the calling thread.
    var progress: ((Int) -> Void)?
    /// Also measure `‖b‖` of bit-identical tensors (otherwise only counted), so that groups of tensors have a rel L2.
    var measureIdentical = false
    /// Map `|a − b|` (a `DeltaHeatmap`) over each tensor of 2 or more dimensions whose bytes differ.
    var heatmaps = false
    /// Elements per chunk of a big tensor.
    var chunkElements = 1 << 20
    /// Bytes of small tensors gathered into one parallel batch.
    var batchBytes = 32 << 20

    /// What comparing one pair gives.
    struct Outcome {
        var statistics = DiffStatistics()
        /// Where the values differ (with `heatmaps`, for tensors of 2 or more dimensions whose bytes differ).
        var heatmap: DeltaHeatmap?
    }

    /// The outcome of each pair, in order.
    func run(_ jobs: [DiffJob]) throws -> [Outcome] {
        var results = [Outcome](repeating: Outcome(), count: jobs.count)
        var i = 0
        while i < jobs.count {
            if jobs[i].a.numel > chunkElements {
                results[i] = try compareChunked(jobs[i])
                progress?(jobs[i].a.byteCount + jobs[i].b.byteCount)
                i += 1
                continue
            }
            var end = i, bytes = 0
            while end < jobs.count, jobs[end].a.numel <= chunkElements, bytes < batchBytes {
                bytes += jobs[end].a.byteCount + jobs[end].b.byteCount
                end += 1
            }
            let batch = Array(jobs[i ..< end])
            let partial = try parallel(batch.count) { k in try compareWhole(batch[k]) }
            results.replaceSubrange(i ..< end, with: partial)
            progress?(bytes)
            i = end
        }
        return results
    }

    /// Compares elements `r`: bit-identical ones only counted (or their `‖b‖` measured), others compared and mapped.
    /// Returns whether they were bit-identical and left unmeasured.
    func compare(_ job: DiffJob, _ ra: UnsafeRawBufferPointer, _ rb: UnsafeRawBufferPointer, _ r: Range<Int>) -> (Outcome, Bool) {
        var s = DiffStatistics()
        let same = sameBytes(job, ra, rb, r)
        if same && !measureIdentical {
            s.count = r.count
            return (Outcome(statistics: s), true)
        }
        var map = same || !heatmaps ? nil : DeltaHeatmap(key: job.key, shape: job.a.shape)
        let visit: ((UnsafePointer<Double>, UnsafePointer<Double>, Int, Int) -> Void)? = map == nil ? nil : { pa, pb, i, m in
            map?.add(pa, pb, start: i, count: m)
        }
        s.compare(ra, job.a.dtype, rb, job.b.dtype, start: r.lowerBound, count: r.count, atol: atol, rtol: rtol,
                  identical: same, visit: visit)
        return (Outcome(statistics: s, heatmap: map), false)
    }

    /// One small tensor, on the calling thread.
    func compareWhole(_ job: DiffJob) throws -> Outcome {
        let n = job.a.numel
        let outcome = try withBytes(job) { ra, rb in compare(job, ra, rb, 0 ..< n).0 }
        release(job, 0 ..< n)
        return outcome
    }

    /// One big tensor, its chunks in parallel.
    func compareChunked(_ job: DiffJob) throws -> Outcome {
        let n = job.a.numel
        let units = (n + chunkElements - 1) / chunkElements
        func range(_ u: Int) -> Range<Int> { u * chunkElements ..< Swift.min(n, (u + 1) * chunkElements) }
        return try withBytes(job) { ra, rb in
            let parts = try parallel(units) { u -> (Outcome, Bool) in
                defer { release(job, range(u)) }
                return compare(job, ra, rb, range(u))
            }
            // Bit-identical chunks left unmeasured: all of them means the tensor is unchanged.
            let identical = parts.indices.filter { parts[$0].1 }
            if identical.count == units { return Outcome(statistics: DiffStatistics(count: n)) }
            // Some chunks differ: the identical ones still count towards ‖b‖ for rel_l2.
            let norms = try parallel(identical.count) { k -> DiffStatistics in
                let r = range(identical[k])
                var s = DiffStatistics()
                s.compare(ra, job.a.dtype, rb, job.b.dtype, start: r.lowerBound, count: r.count, atol: atol, rtol: rtol, identical: true)
                release(job, r)
                return s
            }
            var byUnit = parts.map(\.0)
            for (k, u) in identical.enumerated() { byUnit[u].statistics = norms[k] }
            var total = Outcome()
            for part in byUnit {
                total.statistics.merge(part.statistics)
                if let m = part.heatmap {
                    if total.heatmap == nil { total.heatmap = m } else { total.heatmap?.merge(m) }
                }
            }
            return total
        }
    }

    /// Calls `body` with both tensors' contiguous little-endian bytes; read errors name the side and the key.
    func withBytes<R>(_ job: DiffJob, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) throws -> R {
        do {
            return try job.a.withContiguousBytes { ra in
                do {
                    return try job.b.withContiguousBytes { rb in
                        guard ra.count == job.a.byteCount, rb.count == job.b.byteCount else {
                            throw CheckpointError.malformed("tensor data has the wrong size")
                        }
                        return try body(ra, rb)
                    }
                } catch let e as CheckpointError {
                    throw ReadError(inA: false, error: DiffEngine.naming(e, key: job.key))
                }
            }
        } catch let e as CheckpointError {
            throw ReadError(inA: true, error: DiffEngine.naming(e, key: job.key))
        }
    }

    /// A tensor that could not be read, and from which side.
    struct ReadError: Error {
        var inA: Bool
        var error: CheckpointError
    }

    /// True when the dtypes are equal and the elements in `r` are bit-identical.
    func sameBytes(_ job: DiffJob, _ ra: UnsafeRawBufferPointer, _ rb: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        guard job.a.dtype == job.b.dtype else { return false }
        let item = job.a.dtype.itemSize
        guard !r.isEmpty, let pa = ra.baseAddress, let pb = rb.baseAddress else { return true }
        return memcmp(pa + r.lowerBound * item, pb + r.lowerBound * item, r.count * item) == 0
    }

    /// Drops the compared elements' pages of both mapped files from the resident set.
    func release(_ job: DiffJob, _ r: Range<Int>) {
        job.a.releasePages(elements: r)
        job.b.releasePages(elements: r)
    }

    /// Runs `body(0..<n)` over the cores; results in index order; rethrows the first error.
    func parallel<T>(_ n: Int, _ body: (Int) throws -> T) throws -> [T] {
        if n == 0 { return [] }
        if n == 1 { return [try body(0)] }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: n)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let failure = FirstError()
        DispatchQueue.concurrentPerform(iterations: n) { k in
            guard !failure.isSet else { return }
            do { slots[k] = try body(k) } catch { failure.set(error) }
        }
        if let e = failure.error { throw e }
        let out = slots.compactMap { $0 }
        guard out.count == n else { throw CheckpointError.io("a comparison task did not finish") }
        return out
    }

    static func naming(_ e: CheckpointError, key: String) -> CheckpointError {
        switch e {
        case .truncated(let m): return .truncated("'\(key)': \(m)")
        case .malformed(let m) where !m.hasPrefix("'"): return .malformed("'\(key)': \(m)")
        case .io(let m): return .io("'\(key)': \(m)")
        default: return e
        }
    }
}

/// The first error thrown by parallel tasks.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
    var isSet: Bool { error != nil }
    func set(_ e: Error) {
        lock.lock()
        if stored == nil { stored = e }
        lock.unlock()
    }
}
