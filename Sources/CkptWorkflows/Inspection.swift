import CkptCore
import CkptFormats
import CkptReports

/// `inspect`: a checkpoint's tensors (metadata only unless `stats`), optionally filtered, grouped as a tree, with
/// value statistics, and with the pickle globals it imports.
public enum Inspection {
    /// Inspects `reference` (`FILE[#ENTRY]`).
    /// - Parameters:
    ///   - filter: a shell pattern over dotted keys.
    ///   - stats: read every kept tensor's bytes for min, max, mean, std, NaN and Inf counts.
    ///   - histograms: with `stats`, also each tensor's histogram, from the same pass over its values.
    ///   - tree: group by module prefix (`depth` levels deep at most).
    ///   - globals: list the pickle globals; a file the restricted reader refuses is then described (its format,
    ///     globals and the refusal in `error`) instead of failing.
    public static func run(_ reference: String, filter: String? = nil, stats: Bool = false, histograms: Bool = false, tree: Bool = false,
                           depth: Int? = nil, globals: Bool = false, progress: ProgressReporter = SilentProgress()) throws -> InspectReport {
        let path = CheckpointReference(reference).file
        let scanned = globals ? try PickleSafety.scan(path) : nil
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.read(reference: reference)
        } catch where globals && PickleSafety.isRefusal(error) {
            let format = (try? CheckpointFormat.detect(MappedFile(path: DCPReader.metadataPath(ofFolder: path) ?? path)))?.rawValue ?? "unknown"
            var refused = try InspectReport(file: reference, format: format, stateDict: StateDict(tensors: [:]))
            refused.error = "\(error)"
            return describe(refused, globals: scanned)
        }
        progress.begin("stats", totalBytes: stats ? checkpoint.stateDict.tensors.values.reduce(0) { $0 + $1.byteCount } : 0)
        var report = try InspectReport(file: reference, format: checkpoint.format.rawValue, stateDict: checkpoint.stateDict,
                                       filter: filter.map(KeyGlob.init), stats: stats, histograms: histograms,
                                       progress: progress.advance)
        progress.finish()
        if tree { report.tree = InspectTree(rows: report.tensors, depth: depth) }
        return globals ? describe(report, globals: scanned) : report
    }

    /// Adds the pickle globals (none for formats that hold no pickle) to `report`.
    private static func describe(_ report: InspectReport, globals scanned: PickleGlobalScan.Report?) -> InspectReport {
        var report = report
        report.globals = (scanned?.globals ?? []).map { InspectReport.Global(name: $0.fullName, allowed: $0.allowed) }
        report.refusedOpcodes = scanned?.refusedOpcodes
        // Only pickle-based files are torch.load's business; other formats hold no code at all.
        report.weightsOnly = scanned?.weightsOnlyLoadable
        return report
    }
}
