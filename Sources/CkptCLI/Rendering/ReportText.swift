import CkptReports

/// What `ckpt report` prints once the page is written: one line naming the file and what it shows.
enum ReportText {
    static func render(_ d: ReportDocument, output: String, bytes: Int) -> String {
        guard let diff = d.diff else {
            return "wrote \(output) (\(Fmt.bytes(bytes))): \(d.a.inspect.tensors.count) tensors, \(Fmt.count(d.a.count.parameters)) parameters"
        }
        let compared = diff.changed.count + diff.unchanged + diff.dtypeMismatch.count
        return "wrote \(output) (\(Fmt.bytes(bytes))): \(compared) tensors compared, \(diff.changed.count) changed, "
            + "\(diff.heatmaps.count) |a-b| maps"
    }
}
