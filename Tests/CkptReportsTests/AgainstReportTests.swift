import CkptReports
import Foundation
import Testing

/// `verify --against`'s numbers: KL(A‖B) in nats of the softmax distributions (float64), top-1 agreement, cosine
/// similarity, padded positions left out, and the verdicts.
@Suite struct AgainstReportTests {
    /// Two positions of two logits: identical, then p = (½, ½) against q = (¼, ¾), KL = ½·ln(4/3).
    @Test func klAndAgreementPerPosition() {
        let a: [Float] = [1, 2, 0, 0], b: [Float] = [1, 2, 0, Float(Foundation.log(3.0))]
        let r = AgainstReport(other: "b", a: a, b: b, shape: [1, 2, 2], mask: nil, logits: true, maxKL: 1e-3, atol: 0)
        #expect(r.positions.count == 2 && r.positions[0].kl == 0 && r.positions[0].top1Agree == true)
        let kl = 0.5 * Foundation.log(4.0 / 3.0)
        #expect(abs((r.positions[1].kl ?? 0) - kl) < 1e-7)
        #expect(r.positions[1].top1Agree == false && r.top1Agreement == 0.5)
        #expect(abs((r.meanKL ?? 0) - kl / 2) < 1e-7 && abs(r.maxAbsDiff - Foundation.log(3.0)) < 1e-6)
        #expect(!r.ok && r.kind == "logits" && r.meanCosine == nil)
        #expect(AgainstReport(other: "b", a: a, b: b, shape: [1, 2, 2], mask: nil, logits: true, maxKL: 0.1, atol: 0).ok)
    }

    @Test func maskedPositionsAreLeftOut() {
        let a: [Float] = [0, 0, 5, 0], b: [Float] = [0, 0, 0, 5]
        let r = AgainstReport(other: "b", a: a, b: b, shape: [2, 1, 2], mask: [1, 0], logits: true, maxKL: 1e-3, atol: 0)
        #expect(r.positions.count == 1 && r.meanKL == 0 && r.top1Agreement == 1 && r.ok)
        #expect(r.positions[0].sequence == 0 && r.positions[0].token == 0)
        let second = AgainstReport(other: "b", a: a, b: b, shape: [2, 1, 2], mask: [0, 1], logits: true, maxKL: 1e-3, atol: 0)
        #expect(second.positions.map(\.sequence) == [1] && second.top1Agreement == 0)
    }

    /// Hidden states: cosine similarity per position, the verdict by max |Δ| against atol.
    @Test func hiddenStatesCompareByCosineAndAtol() {
        let r = AgainstReport(other: "b", a: [1, 0], b: [1, 1], shape: [1, 1, 2], mask: nil, logits: false, maxKL: 0, atol: 1)
        #expect(abs((r.meanCosine ?? 0) - 0.5.squareRoot()) < 1e-12 && r.maxAbsDiff == 1 && r.ok && r.kind == "hidden_states")
        #expect(!AgainstReport(other: "b", a: [1, 0], b: [1, 1], shape: [1, 1, 2], mask: nil, logits: false, maxKL: 0, atol: 0.5).ok)
    }

    @Test func jsonFieldsAreCLIs() throws {
        let r = AgainstReport(other: "b", a: [0, 1], b: [0, 1], shape: [1, 1, 2], mask: nil, logits: true, maxKL: 1e-3, atol: 0)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any])
        #expect(Set(json.keys).isSuperset(of: ["max_abs_diff", "top1_agreement", "mean_kl", "positions"]))
        let position = try #require((json["positions"] as? [[String: Any]])?.first)
        #expect(Set(position.keys) == ["sequence", "token", "max_abs_diff", "top1_agree", "kl"])
    }
}
