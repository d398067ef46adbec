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
        lines.append(r.ok ? "OK" : "FAILED")
        return lines.joined(separator: "\n")
    }
}
