import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptReports

/// Histograms at the edges of the dyadic rule, against exact rational arithmetic (Fixtures/gen/report_edges.py),
/// and the merge of partial histograms that makes one pass over a tensor in parallel chunks possible.
@Suite struct TensorHistogramEdgeTests {
    @Test func edgeTensorsMatchExactArithmetic() throws {
        let golden = try ReportEdgesFixture.golden()
        let tensors = try ReportEdgesFixture.stateDict("edges.pt").tensors
        #expect(Set(tensors.keys) == Set(golden.histograms.keys))
        for (key, t) in tensors {
            #expect(t.storedDTypeName == golden.dtypes[key], "\(key): read as the dtype torch saved")
            #expect(try TensorStats.summarize(t, histogram: true).histogram?.golden == golden.histograms[key] ?? nil, "\(key)")
        }
        let h = try #require(golden.histograms["subnormal"] ?? nil)
        #expect(h.exponent < -Double.greatestFiniteMagnitude.exponent, "bins narrower than 2^-1023: no scale factor exists")
        // -5e-324 / 16 underflows to -0 in floating point (numpy's ldexp gives bin 0); its floor is -1, with -2.5's.
        let tiny = try #require(golden.histograms["negative_tiny_beside_large"] ?? nil)
        #expect(tiny.exponent == 4 && tiny.start == -1 && tiny.counts.first == 2)
        #expect((golden.histograms["one"] ?? nil)?.counts == [1] && (golden.histograms["repeated"] ?? nil)?.counts == [37])
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func anySplitIntoChunksGivesTheWholeTensorsBins(chunk: Int) throws {
        // Chunks of one value, chunks of only ±Inf (no histogram), chunks with exponents of their own: merged, the
        // bins of the whole tensor, whether the chunks run in parallel or one after another.
        let golden = try ReportEdgesFixture.golden()
        for (key, t) in try ReportEdgesFixture.stateDict("edges.pt").tensors {
            let parallel = try TensorStats.accumulate(t, histogram: true, chunk: chunk, parallelThreshold: 1)
            let serial = try TensorStats.accumulate(t, histogram: true, chunk: chunk, parallelThreshold: .max)
            #expect(parallel.histogram?.golden == golden.histograms[key] ?? nil, "\(key), chunks of \(chunk)")
            #expect(serial.histogram == parallel.histogram, "\(key), chunks of \(chunk)")
        }
    }

    @Test func scaledBinIsTheExactFloor() {
        // `bin(v, scaledBy: 2^-e)` (the counting loop's form) against `index(v, e)` wherever 2^-e is a normal Double.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        for _ in 0 ..< 4000 {
            for e in [-1022, -1000, -600, -60, -1, 0, 5, 300, 1000] {
                // ±m·2^(e+p): quotients from 2^-70 (bins 0 and -1, subnormal values) to 2^10.
                let bits = next(), p = Int(bits % 80) - 70
                let v = Double(sign: bits & 1 == 0 ? .plus : .minus, exponent: e + p, significand: 1 + Double(bits >> 12) * 0x1p-52)
                let scale = Double(sign: .plus, exponent: -e, significand: 1)
                #expect(TensorHistogram.bin(v, scaledBy: scale) == TensorHistogram.index(v, e), "\(v) at 2^\(e)")
            }
        }
        #expect(TensorHistogram.bin(-.leastNonzeroMagnitude, scaledBy: 0x1p-3) == -1)
        #expect(TensorHistogram.bin(-0.0, scaledBy: 0x1p-3) == 0 && TensorHistogram.bin(-0.25, scaledBy: 4) == -1)
    }

    @Test func coarseningFloorsNegativeBins() {
        // Bins -5 ... 1 at width 1 become floor(i / 2): -3, -2, -2, -1, -1, 0, 0.
        let h = TensorHistogram(exponent: 0, start: -5, counts: [1, 1, 1, 1, 1, 1, 1])
        let c = h.coarsened(by: 1)
        #expect(c.exponent == 1 && c.start == -3 && c.counts == [1, 2, 2, 2])
        #expect(h.coarsened(by: 3) == TensorHistogram(exponent: 3, start: -1, counts: [5, 2]))
        #expect(h.coarsened(by: 0) == h)
    }

    @Test func mergeWidensUntilBothFitAndIsOrderFree() {
        // At width 1 the two span 101 bins: twice as wide, 51.
        let a = TensorHistogram(exponent: 0, start: 0, counts: [2]), b = TensorHistogram(exponent: 0, start: 100, counts: [3])
        let m = a.merged(with: b)
        #expect(m.exponent == 1 && m.start == 0 && m.counts.count == 51 && m.counts.first == 2 && m.counts.last == 3)
        // Three parts in any grouping and order: the same bins.
        let c = TensorHistogram(exponent: -6, start: -200, counts: [1, 0, 0, 4])
        let all = [a.merged(with: b).merged(with: c), a.merged(with: b.merged(with: c)), c.merged(with: b).merged(with: a),
                   b.merged(with: c.merged(with: a))]
        #expect(all.allSatisfy { $0 == all[0] })
        #expect(all[0].counts.reduce(0, +) == 10 && all[0].counts.count <= TensorHistogram.maxBins)
        #expect(all[0].lo <= -200.0 / 64 && all[0].hi > 100)
    }
}
