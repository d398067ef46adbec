import Dispatch

/// Wall-clock timing shared by the benchmarks: the fastest and median of timed calls (milliseconds), or the best
/// per-call time of repeated runs long enough to time (seconds). Timings never go into tests.
public struct Timing {
    public let min: Double
    public let median: Double

    /// Times `runs` calls of `body` after `warmup` untimed calls; fastest and median, in milliseconds.
    public static func measure(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0 ..< warmup { try body() }
        var times = [Double]()
        for _ in 0 ..< Swift.max(runs, 1) { times.append(try seconds(body) * 1e3) }
        times.sort()
        return Timing(min: times[0], median: times[times.count / 2])
    }

    /// Seconds one call of `body` takes.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Seconds per call: the best of `repeats` runs after one warm-up call, each run at least 0.2 s or 3 calls.
    public static func best(_ repeats: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var result = Double.infinity
        for _ in 0 ..< repeats {
            var calls = 0
            var elapsed = 0.0
            while elapsed < 0.2 || calls < 3 {
                elapsed += try seconds(body)
                calls += 1
            }
            result = Swift.min(result, elapsed / Double(calls))
        }
        return result
    }
}
