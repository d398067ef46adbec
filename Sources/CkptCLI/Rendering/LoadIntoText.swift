import CkptReports

/// Text rendering of a `LoadIntoReport` (what loaded, renames, grouped problem keys, diagnosis, PyTorch's error,
/// the verdict) and of a `LoadPlan`.
enum LoadIntoText {
    static func render(_ r: LoadIntoReport) -> String {
        var lines = ["model       \(r.model) (\(r.modelClass), \(r.modelTensors) tensors)",
                     "checkpoint  \(r.checkpoint)",
                     "loaded      \(r.loaded) of \(r.modelTensors) tensors" + (r.strict ? "" : " (non-strict)")]
        if !r.renamed.isEmpty {
            lines.append("renamed (\(r.renamed.count)):")
            var t = TextTable([("", .left), ("", .left)])
            for x in r.renamed.prefix(50) { t.add(["  " + x.from, "→ " + x.to]) }
            lines.append(t.render(header: false))
            if r.renamed.count > 50 { lines.append("  … \(r.renamed.count - 50) more") }
        }
        func keys(_ title: String, _ keys: [String]) {
            guard !keys.isEmpty else { return }
            lines.append("\(title) (\(keys.count)):")
            let patterns = KeyRanges.patterns(keys)
            lines += patterns.prefix(12).map { "  " + $0 }
            if patterns.count > 12 { lines.append("  … \(patterns.count - 12) more (--json lists every key)") }
        }
        keys("missing keys", r.missingKeys)
        keys("unexpected keys", r.unexpectedKeys)
        if !r.sizeMismatch.isEmpty {
            lines.append("size mismatch (\(r.sizeMismatch.count)):")
            var t = TextTable([("", .left), ("", .left), ("", .left)])
            for m in r.sizeMismatch { t.add(["  " + m.key, "checkpoint \(m.checkpoint)", "model \(m.model)"]) }
            lines.append(t.render(header: false))
        }
        if !r.diagnosis.isEmpty {
            lines.append("diagnosis:")
            lines += r.diagnosis.map { "  - " + $0 }
        }
        // PyTorch's message indents each problem with a tab after a newline; shown indented, since a tab in output is escaped.
        if let error = r.pytorchError {
            lines.append("\nPyTorch would raise RuntimeError: " + error.replacingOccurrences(of: "\n\t", with: "\n    "))
        }
        lines.append(r.ok ? "OK" : "FAILED")
        return lines.joined(separator: "\n")
    }

    /// `--plan`: one line per model key (`checkpoint key → model key`, or `(missing)`), then the unexpected
    /// checkpoint keys, then a note per ambiguity.
    static func render(_ plan: LoadPlan) -> String {
        var t = TextTable([("", .left), ("", .left), ("", .left)])
        for row in plan.rows {
            switch (row.checkpointKey, row.modelKey) {
            case (let from?, let to?):
                let fit = row.checkpointShape.flatMap { c in row.modelShape.map { "  size mismatch: \(c) vs \($0)" } } ?? ""
                t.add([from, "→ " + to, fit])
            case (nil, let to?): t.add(["(missing)", "→ " + to, ""])
            case (let from?, nil): t.add([from, "→ (unexpected)", ""])
            case (nil, nil): break
            }
        }
        return ([t.render(header: false)] + plan.notes.map { "note: " + $0 }).joined(separator: "\n")
    }
}
