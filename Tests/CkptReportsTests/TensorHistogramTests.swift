import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptReports

/// Histograms from the stats pass, against numpy's counts by the same dyadic rule (Fixtures/gen/report.py).
@Suite struct TensorHistogramTests {
    @Test func edgeCasesMatchNumpy() throws {
        let golden = try ReportFixture.golden().mixed
        let tensors = try ReportFixture.stateDict("mixed.pt").tensors
        #expect(Set(tensors.keys) == Set(golden.keys))
        for (key, t) in tensors {
            let g = try #require(golden[key])
            let (stats, histogram) = try TensorStats.summarize(t, histogram: true)
            #expect(histogram?.golden == g.histogram, "\(key) \(g.dtype)")
            #expect(stats == (try TensorStats.compute(t)), "\(key): the same statistics with or without a histogram")
            #expect(stats.nan == g.stats.nan && stats.inf == g.stats.inf)
            if let h = histogram {
                // Every finite value is in a bin; the first and last bins hold the extremes.
                #expect(h.counts.reduce(0, +) == t.numel - stats.nan - stats.inf, "\(key)")
                #expect(h.counts.first ?? 0 > 0 && h.counts.last ?? 0 > 0 && h.counts.count <= TensorHistogram.maxBins)
                #expect(h.lo <= stats.min ?? .nan && stats.max ?? .nan < h.hi, "\(key): [\(h.lo), \(h.hi)) holds the range")
            }
        }
    }

    @Test func everyTensorOfTheModelMatchesNumpy() throws {
        let golden = try ReportFixture.golden().pretrained_histograms
        for (key, t) in try ReportFixture.stateDict("pretrained.safetensors").tensors {
            #expect(try TensorStats.summarize(t, histogram: true).histogram?.golden == golden[key] ?? nil, "\(key)")
        }
    }

    @Test func chunksInParallelGiveTheSameCounts() throws {
        // Chunks of very different ranges: the merged histogram is the one of the whole tensor.
        var values = (0 ..< 5000).map { Float($0 % 97) * 0.013 - 0.4 }
        values[4321] = 250
        values[17] = -3e-3
        let t = try TensorEntry.float32(values, shape: [50, 100])
        let whole = try TensorStats.accumulate(t, histogram: true, chunk: 1 << 20, parallelThreshold: 1 << 30)
        for chunk in [7, 333, 1000] {
            let parts = try TensorStats.accumulate(t, histogram: true, chunk: chunk, parallelThreshold: 10)
            #expect(parts.histogram == whole.histogram, "chunk \(chunk)")
        }
        let h = try #require(whole.histogram)
        #expect(h.exponent == 2 && h.start == -1 && h.counts.count == 64 && h.counts.last == 1)
    }

    @Test func mergeCoarsensToTheSmallestCommonWidth() {
        let fine = TensorHistogram(exponent: -3, start: -5, counts: [1, 0, 2])  // [-0.625, -0.25)
        let wide = TensorHistogram(exponent: 0, start: 60, counts: [4])         // [60, 61)
        let m = fine.merged(with: wide)
        #expect(m.exponent == 0 && m.start == -1 && m.counts.count == 62)
        #expect(m.counts.first == 3 && m.counts.last == 4 && m.counts.reduce(0, +) == 7)
        #expect(m == wide.merged(with: fine))
    }

    @Test func binsOfNegativeTinyValuesAndIntegers() throws {
        // A negative value scaled below the smallest subnormal lands in bin -1, not 0.
        #expect(TensorHistogram.index(-Double.leastNonzeroMagnitude, 20) == -1)
        #expect(TensorHistogram.index(Double.leastNonzeroMagnitude, 20) == 0)
        let ints = try TensorEntry(dtype: .int32, shape: [4], bytes: TensorEntry.encode([-2, 0, 0, 5], as: .int32))
        let h = try #require(try TensorStats.summarize(ints, histogram: true).histogram)
        #expect(h.exponent == 0 && h.start == -2 && h.counts == [1, 0, 2, 0, 0, 0, 0, 1])
    }

    @Test func jsonCarriesEdgesAndRoundTrips() throws {
        let h = TensorHistogram(exponent: -2, start: -3, counts: [1, 2])
        let data = try JSONEncoder().encode(h)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["lo"] as? Double == -0.75 && object["width"] as? Double == 0.25)
        #expect(try JSONDecoder().decode(TensorHistogram.self, from: data) == h)
    }
}
