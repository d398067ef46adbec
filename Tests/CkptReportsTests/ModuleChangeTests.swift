import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptReports

/// Change per module and per layer, against torch's float64 figures over the same keys (Fixtures/gen/report.py).
@Suite struct ModuleChangeTests {
    @Test func modulesAndLayersMatchTorch() throws {
        let golden = try ReportFixture.golden()
        let diff = try ReportFixture.fineTuneDiff()
        let keys = try ReportFixture.stateDict("finetuned.pt").tensors.keys.elements
        let layers = ModuleChange.layers(diff, keys: keys)
        #expect(layers.map(\.path) == golden.layers.compactMap(\.path))
        for (l, g) in zip(layers, golden.layers) {
            #expect(l.tensors == g.tensors, "\(l.path)")
            expectClose(l.statistics.relL2, g.rel_l2, tolerance: 1e-12, floor: 1e-300, "\(l.path) rel L2")
            #expect(l.statistics.maxAbs == g.max_abs_diff, "\(l.path)")
            #expect(l.differs == (g.rel_l2 > 0) && l.changed == (g.rel_l2 > 0 ? l.tensors : 0), "\(l.path)")
        }
        let modules = Dictionary(uniqueKeysWithValues: ModuleChange.modules(diff, keys: keys).map { ($0.path, $0) })
        #expect(Set(modules.keys) == Set(golden.modules.keys))
        for (path, g) in golden.modules {
            let m = try #require(modules[path])
            expectClose(m.statistics.relL2, g.rel_l2, tolerance: 1e-12, floor: 1e-300, "\(path) rel L2")
            #expect(m.tensors == g.tensors && m.statistics.maxAbs == g.max_abs_diff, "\(path)")
        }
    }

    @Test func convPairWithEveryKindOfDifferenceMatchesTorch() throws {
        let golden = try ReportEdgesFixture.golden()
        let diff = try ReportEdgesFixture.convDiff()
        let keys = ReportDocument.modelOrder(try ReportEdgesFixture.stateDict("conv_a.pt").tensors.keys.elements,
                                             try ReportEdgesFixture.stateDict("conv_b.pt").tensors.keys.elements)
        let modules = ModuleChange.modules(diff, keys: keys), layers = ModuleChange.layers(diff, keys: keys)
        for (computed, expected) in [(modules, golden.modules), (layers, golden.layers)] {
            #expect(computed.map(\.path) == expected.map(\.path))
            for (m, g) in zip(computed, expected) {
                #expect(m.tensors == g.tensors && m.statistics.count == g.numel && m.statistics.mismatched == g.mismatched, "\(g.path)")
                #expect(m.statistics.maxAbs == g.max_abs_diff, "\(g.path)")
                expectClose(m.statistics.meanAbs, g.mean_abs_diff, tolerance: 1e-12, floor: 1e-300, "\(g.path) mean |a - b|")
                if let r = g.rel_l2 {
                    expectClose(m.statistics.relL2 ?? .nan, r, tolerance: 1e-12, floor: 1e-300, "\(g.path) rel L2")
                } else {
                    #expect(m.statistics.relL2 == nil, "\(g.path): a NaN only in B leaves rel L2 undefined")
                }
            }
        }
        // What differs, by kind: values (a dtype mismatch whose values moved counts as changed), shape, one side.
        let byPath = Dictionary(uniqueKeysWithValues: layers.map { ($0.path, $0) })
        func facts(_ path: String) -> [Int] {
            guard let m = byPath[path] else { return [] }
            return [m.changed, m.dtypeMismatch, m.shapeMismatch, m.onlyInA, m.onlyInB]
        }
        #expect(facts("features.0") == [2, 0, 0, 0, 0] && facts("features.1") == [0, 0, 0, 0, 0])
        #expect(facts("classifier") == [1, 1, 1, 0, 0] && facts("extra") == [0, 0, 0, 1, 0] && facts("new") == [0, 0, 0, 0, 1])
        #expect(facts("scale") == [1, 0, 0, 0, 0], "a tensor at the root is a layer of its own")
        #expect(layers.filter(\.differs).map(\.path) == ["features.0", "classifier", "extra", "scale", "new"])
        #expect(modules.first { $0.path == "features" }?.changed == 2)
    }

    @Test func structuralDifferencesCountPerModule() throws {
        let base = try Fixtures.stateDict("diff/base.pt"), edited = try Fixtures.stateDict("diff/reshaped_cast.pt")
        let diff = try DiffReport.compare(base, edited, nameA: "a", nameB: "b")
        let layers = ModuleChange.layers(diff, keys: base.tensors.keys.elements)
        let fc = try #require(layers.first { $0.path == "fc" }), l1 = try #require(layers.first { $0.path == "layers.1" })
        #expect(fc.shapeMismatch == 1 && fc.changed == 0 && fc.differs && fc.statistics.count == 12)
        #expect(l1.dtypeMismatch == 1 && l1.changed == 1 && l1.differs)
        #expect(layers.filter(\.differs).map(\.path) == ["fc", "layers.1"])
    }

    @Test func modelOrderPrefersTheSideThatKeepsIt() {
        let sorted = ["a.weight", "b.weight", "layers.10.w", "layers.2.w"], model = ["b.weight", "layers.2.w", "layers.10.w", "a.weight"]
        #expect(ReportDocument.modelOrder(sorted, model) == model)
        #expect(ReportDocument.modelOrder(model, sorted) == model)
        // Both sorted by name: numbered components in numeric order.
        #expect(ReportDocument.modelOrder(sorted, sorted + ["m"]) == ["a.weight", "b.weight", "layers.2.w", "layers.10.w", "m"])
        #expect(ReportDocument.modelOrder(model, ["x"]) == model + ["x"])
    }
}
