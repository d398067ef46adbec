import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptReports

/// |a − b| maps from the diff pass, against numpy's `maximum.at` over the same grid (Fixtures/gen/report.py).
@Suite struct DeltaHeatmapTests {
    @Test func fineTunedMatrixMatchesNumpy() throws {
        let golden = try ReportFixture.golden().heat_map
        let diff = try ReportFixture.fineTuneDiff()
        let map = try #require(diff.heatmaps.first { $0.key == golden.key })
        #expect(map.rows == golden.rows && map.cols == golden.cols)
        #expect(map.gridRows == golden.grid_rows && map.gridCols == golden.grid_cols)
        expectClose(map.cells, golden.cells, tolerance: 0, floor: 0, golden.key)
        let changed = try #require(diff.changed.first { $0.key == golden.key })
        #expect(map.maxAbs == changed.maxAbsDiff)
    }

    @Test func onlyChangedTensorsOfTwoOrMoreDimensionsGetOne() throws {
        let golden = try ReportFixture.golden()
        let diff = try ReportFixture.fineTuneDiff()
        let matrices = golden.changed.filter { !$0.hasSuffix(".bias") && !$0.contains("norm") }
        #expect(diff.heatmaps.map(\.key) == diff.changed.map(\.key).filter { matrices.contains($0) })
        #expect(diff.heatmaps.count == 13)
        // Without the option, the same comparison maps nothing and measures nothing of identical tensors.
        let plain = try DiffReport.compare(ReportFixture.stateDict("pretrained.safetensors"), ReportFixture.stateDict("finetuned.pt"),
                                           nameA: "a", nameB: "b")
        #expect(plain.heatmaps.isEmpty && plain.changed == diff.changed)
        #expect(plain.statistics["embed.weight"]?.sumSquaredB == 0 && (diff.statistics["embed.weight"]?.sumSquaredB ?? 0) > 0)
    }

    @Test func convWeightWithNaNAndInfAndACastMatrixMatchNumpy() throws {
        // [70, 3, 5, 5] viewed as [70, 75]: more rows and columns than cells, runs of one and two; NaN against NaN and
        // Inf against Inf agree and the NaN only in B is left out. The classifier weight differs in dtype too.
        let golden = try ReportEdgesFixture.golden()
        let diff = try ReportEdgesFixture.convDiff()
        #expect(diff.heatmaps.map(\.key) == golden.heat_maps.map(\.key))
        for g in golden.heat_maps {
            let map = try #require(diff.heatmaps.first { $0.key == g.key })
            #expect(map.rows == g.rows && map.cols == g.cols && map.gridRows == g.grid_rows && map.gridCols == g.grid_cols, "\(g.key)")
            expectClose(map.cells, g.cells, tolerance: 0, floor: 0, g.key)
        }
        let conv = try #require(diff.changed.first { $0.key == "features.0.weight" })
        #expect(conv.statistics.nonFinite == 1 && conv.relL2 == nil && diff.heatmaps.first?.maxAbs == conv.maxAbsDiff)
        // A's tensors viewed in chunks that start mid-row: the same map.
        let a = try ReportEdgesFixture.stateDict("conv_a.pt").tensors, b = try ReportEdgesFixture.stateDict("conv_b.pt").tensors
        for key in golden.heat_maps.map(\.key) {
            let job = DiffJob(key: key, a: try #require(a[key]), b: try #require(b[key]))
            var engine = DiffEngine(atol: 0, rtol: 0)
            engine.heatmaps = true
            engine.chunkElements = 331
            #expect(try engine.compareChunked(job).heatmap == diff.heatmaps.first { $0.key == key }, "\(key)")
        }
    }

    @Test func chunkedTensorsMapAsWholeOnes() throws {
        // 3-D, so viewed as [6, 50]; uneven cells; chunks that start mid-row.
        var a = [Float](), b = [Float]()
        for i in 0 ..< 300 { a.append(Float(i)); b.append(i % 7 == 0 ? Float(i) + Float(i % 11) : Float(i)) }
        let job = DiffJob(key: "w", a: try .float32(a, shape: [6, 5, 10]), b: try .float32(b, shape: [6, 5, 10]))
        var engine = DiffEngine(atol: 0, rtol: 0)
        engine.heatmaps = true
        let whole = try #require(try engine.compareWhole(job).heatmap)
        engine.chunkElements = 37
        let chunked = try #require(try engine.compareChunked(job).heatmap)
        #expect(whole == chunked && whole.rows == 6 && whole.cols == 50 && whole.gridCols == 50)
        var expected = [Double](repeating: 0, count: 300)
        for i in 0 ..< 300 { expected[i] = Double(abs(a[i] - b[i])) }
        #expect(whole.cells == expected)
    }

    @Test func gridCellsCoverEqualRuns() throws {
        var map = try #require(DeltaHeatmap(key: "w", shape: [130, 3]))
        #expect(map.gridRows == 64 && map.gridCols == 3)
        let a = [Double](repeating: 0, count: 390), b = (0 ..< 390).map { Double($0) }
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            map.add(pa.baseAddress!, pb.baseAddress!, start: 0, count: 390)
        } }
        // Row r is in cell r·64/130: cell 0 holds rows 0–2 (r·64 < 130), so its largest |a − b| is at row 2, column 2.
        #expect(map.cells[0 ..< 3] == [6, 7, 8] && map.cells.last == 389)
        #expect(DeltaHeatmap(key: "v", shape: [5]) == nil && DeltaHeatmap(key: "e", shape: [0, 4]) == nil)
    }

    @Test func jsonIsCompactAndRoundTrips() throws {
        let map = try #require(try ReportFixture.fineTuneDiff().heatmaps.first)
        let data = try JSONEncoder().encode(map)
        let back = try JSONDecoder().decode(DeltaHeatmap.self, from: data)
        #expect(back.key == map.key && back.cells == map.cells.map { Double(Float($0)) })
        #expect(data.count < 8 * map.cells.count)
    }
}
