import CkptWorkflows

/// Text rendering of `load-into --complete`: each line written, where and why, then the load into the completed model.
enum CompletionText {
    static func render(_ r: CompletionReport) -> String {
        var lines = [r.additions.isEmpty ? "nothing to add: wrote \(r.written) unchanged"
                                         : "wrote \(r.written) with \(r.additions.count) added line\(r.additions.count == 1 ? "" : "s"):"]
        for a in r.additions {
            lines.append("  " + a.line + (a.module.isEmpty ? "" : "   (inside '\(a.module)')"))
            lines.append("      " + a.evidence)
        }
        lines.append("")
        lines.append(LoadIntoText.render(r.load))
        if r.ok && !r.load.ok { lines.append("completed: the checkpoint fits; it lacks only keys tied to keys it holds") }
        return lines.joined(separator: "\n")
    }
}
