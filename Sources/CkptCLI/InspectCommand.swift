import ArgumentParser
import CkptCore
import CkptFormats
import CkptReports
import Foundation

/// `ckpt inspect CHECKPOINT`: one row per tensor, totals by dtype, and the format.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a checkpoint's tensors: key, dtype, shape, numel, bytes and shared storage.",
        discussion: """
            Reads metadata only (no tensor bytes) unless --stats is given. CHECKPOINT may be FILE#ENTRY to \
            select a nested dict (run.pt#model).
            """)

    @Argument(help: "The checkpoint file, or FILE#ENTRY.")
    var checkpoint: String

    @Flag(name: .long, help: "Group tensors by module prefix, with subtotals.")
    var tree = false

    @Option(name: .long, help: "Show module groups this many levels deep and no deeper (implies --tree).")
    var depth: Int?

    @Option(name: .long, help: "Only keys matching this shell pattern (*, ?, [...]) over the dotted key.")
    var filter: String?

    @Flag(name: .long, help: "Also compute min, max, mean, std (unbiased) and NaN/Inf counts (reads the bytes).")
    var stats = false

    @Flag(name: .long, help: "List the pickle globals and whether torch.load(weights_only=True) would accept the file.")
    var globals = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
    }

    /// `--depth` alone asks for the tree too.
    var showTree: Bool { tree || depth != nil }

    func run() throws {
        try CLI.guarded {
            var scanned: PickleGlobalScan.Report?
            var readError: Error?
            var checkpoint: Checkpoint?
            let path = CheckpointReference.filePath(self.checkpoint)
            if globals { scanned = try scanGlobals(path) }
            do {
                checkpoint = try Checkpoint.read(reference: self.checkpoint)
            } catch let e as FileError where globals && e.underlying.isUnsafe {
                // --globals lists what a refused file imports instead of failing on it.
                readError = e
            }
            var report: InspectReport
            if let checkpoint {
                let glob = filter.map(KeyGlob.init)
                let total = stats ? checkpoint.stateDict.tensors.values.reduce(0) { $0 + $1.byteCount } : 0
                let progress = Progress(label: "stats", totalBytes: total)
                report = try InspectReport(file: self.checkpoint, format: checkpoint.format.rawValue,
                                           stateDict: checkpoint.stateDict, filter: glob, stats: stats,
                                           progress: progress.advance)
                progress.finish()
                if showTree { report.tree = InspectTree(rows: report.tensors, depth: depth) }
            } else {
                let format = (try? CheckpointFormat.detect(MappedFile(path: path)))?.rawValue ?? "unknown"
                report = try InspectReport(file: self.checkpoint, format: format, stateDict: StateDict(tensors: [:]))
                report.error = readError.map(CLI.message)
            }
            if globals {
                report.globals = (scanned?.globals ?? []).map { InspectReport.Global(name: $0.fullName, allowed: $0.allowed) }
                report.refusedOpcodes = scanned?.refusedOpcodes
                // Only pickle-based files are torch.load's business; other formats hold no code at all.
                report.weightsOnly = scanned?.weightsOnlyLoadable
            }
            if output.json {
                try CLI.printJSON(report)
            } else {
                print(InspectText.render(report, tree: showTree, stats: stats, readError: readError.map(CLI.message)))
            }
        }
    }

    /// The pickle globals and refused opcodes of a torch file; nil for formats that hold no pickle.
    private func scanGlobals(_ path: String) throws -> PickleGlobalScan.Report? {
        do {
            let file = try MappedFile(path: path)
            let format = try CheckpointFormat.detect(file)
            guard format == .torchZip || format == .torchLegacy else { return nil }
            return try PickleGlobalScan.report(file, format: format)
        } catch let e as CheckpointError {
            throw FileError(path: path, e)
        }
    }
}

extension CheckpointError {
    /// A refusal by the restricted pickle reader (a global or opcode `weights_only=True` would refuse).
    var isUnsafe: Bool { if case .unsafe = self { return true } else { return false } }
}
