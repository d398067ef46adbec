import ArgumentParser
import CkptWorkflows

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
            let report = try Inspection.run(checkpoint, filter: filter, stats: stats, tree: showTree, depth: depth,
                                            globals: globals, progress: TerminalProgress())
            try output.print(report) { InspectText.render(report, tree: showTree, stats: stats) }
        }
    }
}
