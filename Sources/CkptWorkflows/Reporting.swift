import CkptCore
import CkptFormats
import CkptReports

/// `report`: the data of a page about one checkpoint, or about how a second one differs from it, built from the
/// same calls as `inspect --stats`, `count` and `diff`, so that the page shows their numbers.
public enum Reporting {
    /// One checkpoint (`FILE[#ENTRY]`, or a model folder): `inspect --stats` with a histogram per tensor (from the
    /// same pass over each tensor's values), and `count`.
    public static func checkpoint(_ reference: String, progress: ProgressReporter = SilentProgress()) throws -> ReportDocument {
        let inspect = try Inspection.run(reference, stats: true, histograms: true, progress: progress)
        let count = try Counting.run(reference)
        return ReportDocument(checkpoint: ReportDocument.Side(inspect: inspect, count: count))
    }

    /// `a` against `b` as `diff` compares them (`atol`, `rtol`, `mapA`, `mapB` as there), also measuring the norm of
    /// identical tensors (for each module's rel L2) and mapping where each changed tensor of 2 or more dimensions
    /// differs, in the same single pass over both files' values. Each side's keys are those compared.
    public static func comparison(_ a: String, _ b: String, atol: Double = 0, rtol: Double = 0, mapA: [String] = [],
                                  mapB: [String] = [], progress: ProgressReporter = SilentProgress()) throws -> ReportDocument {
        let sides = try Comparison.Sides(a, b, mapA: mapA, mapB: mapB)
        var options = DiffOptions(atol: atol, rtol: rtol)
        options.measureIdentical = true
        options.heatmaps = true
        let diff = try sides.compare(options, progress: progress)
        func side(_ name: String, _ checkpoint: Checkpoint, _ tensors: StateDict) throws -> ReportDocument.Side {
            ReportDocument.Side(inspect: try InspectReport(file: name, format: checkpoint.format.rawValue, stateDict: tensors),
                                count: CountReport(stateDict: tensors))
        }
        return ReportDocument(a: try side(a, sides.checkpointA, sides.stateDictA), b: try side(b, sides.checkpointB, sides.stateDictB),
                              diff: diff)
    }

    /// Writes `page` to `path` through a temporary file renamed into place; refuses to overwrite an input.
    public static func write(_ page: String, to path: String, inputs: [String]) throws {
        for input in inputs where Conversion.sameFile(CheckpointReference(input).file, path) {
            throw FileError(path: path, .io("refusing to overwrite the input file; write to another path"))
        }
        do {
            try AtomicFile.write(to: path) { tmp in
                let out = try BufferedFileOutput(path: tmp)
                try out.write(Array(page.utf8))
                try out.close()
            }
        } catch let e as CheckpointError {
            throw FileError(path: path, e)
        }
    }
}
