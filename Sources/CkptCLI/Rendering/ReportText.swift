import CkptReports

/// What `ckpt report` prints once the page is written: one line naming the file and what it shows (for two
/// checkpoints, `diff`'s verdict line).
enum ReportText {
    static func render(_ d: ReportDocument, output: String, bytes: Int) -> String {
        let written = "wrote \(output) (\(Fmt.bytes(bytes)))"
        guard let diff = d.diff else {
            return written + ": \(d.a.inspect.tensors.count) tensors, \(Fmt.count(d.a.count.parameters)) parameters"
        }
        return written + "; \(DiffText.summary(diff)); \(diff.heatmaps.count) |a-b| maps"
    }
}
