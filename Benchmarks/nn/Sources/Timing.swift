import Foundation

/// Wall-clock statistics of one workload: fastest and median of the timed calls, in milliseconds.
struct Timing {
    let min: Double
    let median: Double

    /// Times `runs` calls of `body` after `warmup` untimed calls.
    static func measure(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0 ..< warmup { try body() }
        var times = [Double]()
        for _ in 0 ..< Swift.max(runs, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return Timing(min: times[0], median: times[times.count / 2])
    }
}
