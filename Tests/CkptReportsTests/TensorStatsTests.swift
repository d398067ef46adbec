import CkptCore
import Foundation
import CkptTestSupport
import Testing
@testable import CkptReports

/// Golden values from torch: `t.double().min()/.max()/.mean()/.std()` (unbiased).
@Suite struct TensorStatsTests {
    @Test func finiteValuesAndNonFiniteCounts() throws {
        let t = try TensorEntry.float32([1, 2, .nan, 3, .infinity, 4, -.infinity], shape: [7])
        let s = try TensorStats.compute(t)
        #expect(s.min == 1 && s.max == 4 && s.mean == 2.5)
        expectClose(s.std, 1.2909944487358056, tolerance: 1e-12)
        #expect(s.nan == 1 && s.inf == 2)
    }

    @Test func float16AndBFloat16DecodeExactly() throws {
        let h = try TensorEntry.float32([0.1, 0.2, -0.3], shape: [3]).converted(to: .float16)
        let hs = try TensorStats.compute(h)
        expectClose(hs.mean, -4.0690104166666664e-05, tolerance: 1e-9)
        expectClose(hs.std, 0.2645797452658312, tolerance: 1e-12)
        #expect(hs.min == -0.300048828125)
        let b = try TensorEntry.float32([1.5, -2.25, 1e10], shape: [3]).converted(to: .bfloat16)
        let bs = try TensorStats.compute(b)
        #expect(bs.max == 9999220736.0)
        expectClose(bs.mean, 3333073578.4166665, tolerance: 1e-12)
        expectClose(bs.std, 5773052783.832595, tolerance: 1e-12)
    }

    @Test func integerAndBoolTensors() throws {
        let i = try TensorEntry(dtype: .int64, shape: [3], bytes: TensorEntry.encode([-5, 0, 11], as: .int64))
        let s = try TensorStats.compute(i)
        #expect(s.min == -5 && s.max == 11 && s.mean == 2 && s.nan == 0)
        let b = try TensorEntry(dtype: .bool, shape: [4], bytes: [1, 0, 1, 1])
        #expect(try TensorStats.compute(b).mean == 0.75)
    }

    @Test func emptyAndSingleElementHaveNoStd() throws {
        let e = try TensorStats.compute(TensorEntry.float32([], shape: [0, 3]))
        #expect(e == TensorStats(min: nil, max: nil, mean: nil, std: nil, nan: 0, inf: 0))
        let one = try TensorStats.compute(TensorEntry.float32([7], shape: []))
        #expect(one.min == 7 && one.mean == 7 && one.std == nil)
    }

    @Test func parallelChunksAgreeWithOnePass() throws {
        // A deterministic spread of values with a large offset (tests the pairwise merge's accuracy).
        let values = (0 ..< 10_000).map { Float(1e4) + Float(($0 * 7919) % 1000) / 10 }
        let t = try TensorEntry.float32(values, shape: [100, 100])
        let serial = try TensorStats.compute(t, chunk: 1 << 20, parallelThreshold: 1 << 30)
        let parallel = try TensorStats.compute(t, chunk: 333, parallelThreshold: 10)
        #expect(serial.min == parallel.min && serial.max == parallel.max)
        expectClose(parallel.mean, serial.mean ?? 0, tolerance: 1e-12)
        expectClose(parallel.std, serial.std ?? 0, tolerance: 1e-9)
        let exactMean = values.reduce(0.0) { $0 + Double($1) } / 10_000
        expectClose(serial.mean, exactMean, tolerance: 1e-12)
    }

    @Test func stridedViewUsesItsOwnElements() throws {
        let base = try TestTensors.ramp([4, 4])
        // Column 1: 1, 5, 9, 13.
        let col = try TensorEntry(dtype: .float32, shape: [4], strides: [4], storageOffset: 1, storage: base.storage)
        let s = try TensorStats.compute(col)
        #expect(s.min == 1 && s.max == 13 && s.mean == 7)
    }

    @Test(arguments: [nil, 1, 2, 3])
    func edgeValuesMatchExactArithmetic(chunk: Int?) throws {
        // Values near the largest Doubles (whose float64 sums overflow in torch and numpy), int64's extremes, subnormal
        // values, NaN/Inf: the definitions' numbers, whole or merged from chunks, and never an infinity for JSON.
        let golden = try ReportEdgesFixture.golden()
        for (key, t) in try ReportEdgesFixture.stateDict("edges.pt").tensors {
            let g = try #require(golden.stats[key])
            let s = try chunk.map { try TensorStats.accumulate(t, histogram: true, chunk: $0, parallelThreshold: 1).stats }
                ?? TensorStats.compute(t)
            #expect(s.min == g.min && s.max == g.max && s.nan == g.nan && s.inf == g.inf, "\(key)")
            #expect((s.mean == nil) == (g.mean == nil) && (s.std == nil) == (g.std == nil), "\(key)")
            // A float64 mean is good to the values' magnitude (in f64_span, -1e300 and 1e300 cancel to 0 before -1 counts).
            let magnitude = Swift.max(Swift.abs(g.min ?? 0), Swift.abs(g.max ?? 0))
            // Subnormal results carry few bits: within two of their steps (1e-12 × 1e-311, a subnormal written as a
            // product so the compiler does not warn about the literal's precision).
            let subnormal = 1e-300 * 1e-11
            if let mean = g.mean { expectClose(s.mean, mean, tolerance: 1e-12, floor: Swift.max(subnormal, magnitude), "\(key) mean") }
            if let std = g.std { expectClose(s.std, std, tolerance: 1e-12, floor: subnormal, "\(key) std") }
            #expect(s.std != 0 || g.std == 0, "\(key): squares of subnormal deviations are scaled, not lost")
        }
        let near = try #require(try ReportEdgesFixture.stateDict("edges.pt").tensors["near_max"])
        #expect(try JSONEncoder().encode(TensorStats.compute(near)).count > 0)
    }
}
