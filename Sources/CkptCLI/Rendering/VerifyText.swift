import CkptReports
import Foundation

/// Text rendering of a `VerifyReport`: the load (in full when anything is worth reading), one line per output,
/// the gradients, the verdict.
enum VerifyText {
    static func render(_ r: VerifyReport) -> String {
        var lines: [String] = []
        if !r.load.ok || !r.load.diagnosis.isEmpty || !r.load.renamed.isEmpty {
            lines.append(LoadIntoText.render(r.load))
        } else {
            lines.append("load        OK (\(r.load.loaded) of \(r.load.modelTensors) tensors)")
        }
        for (i, o) in r.outputs.enumerated() {
            var line = "output \(i)    shape \(o.shape)  \(o.finite ? "finite" : "NOT FINITE")"
            if let d = o.maxAbsDiff {
                line += "  max abs diff \(String(format: "%.3g", d)) (atol \(r.atol), rtol \(r.rtol))"
            }
            if !o.matches { line += o.maxAbsDiff == nil ? "  SHAPE DIFFERS from expected" : "  DIFFERS" }
            lines.append(line)
        }
        if let g = r.gradients {
            lines.append("gradients   " + (g.missing.isEmpty ? "every parameter has one" : "missing for \(KeyRanges.patterns(g.missing).joined(separator: ", "))")
                         + (g.finite ? ", all finite" : ", NOT all finite"))
        }
        if let a = r.against { lines += against(a) }
        lines.append(r.ok ? "OK" : "FAILED")
        return lines.joined(separator: "\n")
    }

    /// `--against`: OTHER's load when it failed, else the verdict line and the positions that differ most.
    static func against(_ a: AgainstReport) -> [String] {
        if let load = a.load, !load.ok { return ["against     \(a.other) does not load:", LoadIntoText.render(load)] }
        let g = { (v: Double) in String(format: "%.3g", v) }
        var line = "against     \(a.other): \(a.positions.count) positions, max abs diff \(g(a.maxAbsDiff))"
        if let agreement = a.top1Agreement, let kl = a.meanKL {
            line += String(format: ", top-1 agreement %.1f%%", agreement * 100) + ", mean KL \(g(kl)) nats (max \(g(a.threshold)))"
        } else if let cosine = a.meanCosine {
            line += String(format: ", mean cosine similarity %.6f", cosine) + " (atol \(g(a.threshold)))"
        }
        var lines = [line + (a.ok ? "" : "  DIFFERS")]
        let worst = a.positions.sorted { ($0.kl ?? $0.maxAbsDiff) > ($1.kl ?? $1.maxAbsDiff) }.prefix(3)
        let batched = a.positions.contains { $0.sequence > 0 }
        for p in worst where (p.kl ?? p.maxAbsDiff) > 0 {
            var text = "  " + (batched ? "sequence \(p.sequence) token \(p.token)" : "token \(p.token)") + ": max abs diff \(g(p.maxAbsDiff))"
            if let kl = p.kl { text += ", KL \(g(kl))" }
            if let agree = p.top1Agree { text += agree ? ", same top-1" : ", top-1 differs" }
            if let c = p.cosine { text += String(format: ", cosine %.6f", c) }
            lines.append(text)
        }
        return lines
    }
}
