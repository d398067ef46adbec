import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing
@testable import CkptReports

/// `DiffReport.compare` on the committed files of Fixtures/gen/diff.py, against numpy's figures (golden.json).
@Suite struct DiffFixtureTests {
    static let folder = Fixtures.url("diff")

    struct Golden: Decodable {
        struct Stats: Decodable {
            var max_abs_diff: Double, mean_abs_diff: Double, mismatched: Int, rel_l2: Double, numel: Int
        }
        var base_vs_finetuned: [String: Stats]
        var base_vs_reshaped_cast: [String: Stats]
        var keys: [String]
    }

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static func golden() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: folder.appendingPathComponent("golden.json")))
    }
    func diff(_ a: String, _ b: String, _ o: DiffOptions = DiffOptions()) throws -> DiffReport {
        try DiffReport.compare(try Checkpoint.read(reference: Self.path(a)).stateDict,
                               try Checkpoint.read(reference: Self.path(b)).stateDict, nameA: a, nameB: b, options: o)
    }
    /// Expects numpy's figure to 1e-7 relative, however small.
    func expectNumpy(_ x: Double?, _ y: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(x, y, tolerance: 1e-7, floor: 0, what, sourceLocation: sourceLocation)
    }

    @Test func sameModelInAnEntry() throws {
        let r = try diff("base.pt", "training.pt#model"), keys = try Self.golden().keys
        #expect(r.identical && r.unchanged == keys.count)
    }

    @Test func fineTunedHeadMatchesNumpy() throws {
        let golden = try Self.golden().base_vs_finetuned
        let r = try diff("base.pt", "finetuned.pt")
        #expect(r.changed.map(\.key) == ["head.weight", "head.bias"])
        #expect(r.onlyInA.isEmpty && r.onlyInB.isEmpty && r.shapeMismatch.isEmpty && r.dtypeMismatch.isEmpty)
        for c in r.changed {
            let g = try #require(golden[c.key])
            expectNumpy(c.maxAbsDiff, g.max_abs_diff, "\(c.key) max")
            expectNumpy(c.meanAbsDiff, g.mean_abs_diff, "\(c.key) mean")
            expectNumpy(c.relL2, g.rel_l2, "\(c.key) rel_l2")
            #expect(c.mismatched == g.mismatched && c.statistics.count == g.numel)
        }
        // The weight moved by ~1e-3, the bias by ~5e-2: a tolerance between them leaves only the bias.
        #expect(try diff("base.pt", "finetuned.pt", DiffOptions(atol: 0.01)).changed.map(\.key) == ["head.bias"])
        #expect(try diff("base.pt", "finetuned.pt", DiffOptions(atol: 0.1)).identical)
    }

    @Test func reshapedAndCastCopy() throws {
        let g = try #require(try Self.golden().base_vs_reshaped_cast["layers.1.weight"])
        let r = try diff("base.pt", "reshaped_cast.pt")
        #expect(r.shapeMismatch.map(\.key) == ["fc.weight"])
        #expect(r.shapeMismatch.first?.a == [12, 16] && r.shapeMismatch.first?.b == [16, 12])
        #expect(r.dtypeMismatch.map(\.key) == ["layers.1.weight"])
        let d = try #require(r.dtypeMismatch.first)
        #expect(d.a == "float32" && d.b == "float16")
        let s = try #require(d.stats)
        expectNumpy(s.maxAbsDiff, g.max_abs_diff, "max")
        expectNumpy(s.meanAbsDiff, g.mean_abs_diff, "mean")
        expectNumpy(s.relL2, g.rel_l2, "rel_l2")
        #expect(s.mismatched == g.mismatched)
        #expect(r.changed.isEmpty && !r.identical)
    }

    @Test func modulePrefixIsDiagnosed() throws {
        let r = try diff("module.pt", "base.pt")
        #expect(r.prefixDiagnosis?.prefixA == "module.")
        #expect(r.diagnosis.first?.contains("--map-a '^module\\.='") == true)
        #expect(try diff("module.pt", "base.pt", DiffOptions(mapA: try KeyMap(["^module\\.="]))).identical)
    }

    @Test func nanAgainstANumber() throws {
        let r = try diff("base.pt", "nan_a.pt")
        #expect(r.changed.map(\.key) == ["layers.0.weight"])
        #expect(r.changed.first?.mismatched == 1 && r.changed.first?.statistics.nonFinite == 1)
        #expect(r.changed.first?.maxAbsDiff == 0 && r.changed.first?.relL2 == nil)
    }
}
