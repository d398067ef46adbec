import CkptNN
import Testing
@testable import CkptReports

/// verify's checks on plain values: allclose as torch.allclose, finiteness, gradients, and the verdict.
@Suite struct VerifyReportTests {
    func loaded() -> LoadIntoReport {
        var load = LoadReport(strict: true)
        load.loaded = ["w"]
        return LoadIntoReport(model: "m.model", checkpoint: "c.pt", modelClass: "Net", modelTensors: 1, load: load, renamed: [])
    }

    @Test func allcloseIsTorchs() {
        #expect(VerifyReport.Output.allclose([1, 2], [1, 2.0001], atol: 1e-5, rtol: 1e-4).close)
        let off = VerifyReport.Output.allclose([1, 2], [1, 2.01], atol: 1e-5, rtol: 1e-4)
        #expect(!off.close && abs(off.maxAbsDiff - 0.01) < 1e-6)
        let nan = VerifyReport.Output.allclose([.nan, 1], [.nan, 1], atol: 1, rtol: 1)
        #expect(!nan.close && nan.maxAbsDiff == .infinity, "NaN is never close (equal_nan=False)")
    }

    @Test func outputsFailTheReportWhenNotFiniteOrOff() {
        var r = VerifyReport(load: loaded(), atol: 1e-5, rtol: 1e-4)
        #expect(r.ok)
        r.add(.init(shape: [2], values: [1, 2], expected: ([2], [1, 2]), atol: 1e-5, rtol: 1e-4))
        #expect(r.ok && r.outputs[0].maxAbsDiff == 0 && r.outputs[0].matches)
        r.add(.init(shape: [2], values: [1, 2], expected: nil, atol: 1e-5, rtol: 1e-4))
        #expect(r.ok && r.outputs[1].maxAbsDiff == nil)
        var shape = r
        shape.add(.init(shape: [2], values: [1, 2], expected: ([1, 2], [1, 2]), atol: 1e-5, rtol: 1e-4))
        #expect(!shape.ok && !shape.outputs[2].matches && shape.outputs[2].maxAbsDiff == nil)
        var infinite = r
        infinite.add(.init(shape: [1], values: [.infinity], expected: nil, atol: 1e-5, rtol: 1e-4))
        #expect(!infinite.ok && !infinite.outputs[2].finite)
    }

    @Test func gradientsMustExistAndBeFinite() {
        let all = VerifyReport.Gradients(parameters: [("a", [1]), ("b", [0, 2])])
        #expect(all.ok && all.missing.isEmpty)
        let some = VerifyReport.Gradients(parameters: [("a", nil), ("b", [.nan])])
        #expect(!some.ok && some.missing == ["a"] && !some.finite)
        var r = VerifyReport(load: loaded(), atol: 0, rtol: 0)
        r.set(some)
        #expect(!r.ok && r.gradients == some)
    }

    @Test func failedLoadFailsTheReport() {
        var load = LoadReport(strict: true)
        load.missingKeys = ["w"]
        let r = VerifyReport(load: LoadIntoReport(model: "m", checkpoint: "c", modelClass: "Net", modelTensors: 1, load: load, renamed: []),
                             atol: 0, rtol: 0)
        #expect(!r.ok)
    }
}
