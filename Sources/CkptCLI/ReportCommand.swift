import ArgumentParser
import CkptWorkflows

/// `ckpt report CHECKPOINT [B] -o OUT.html`: one self-contained HTML page about a checkpoint, or about how B differs from it.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one HTML page about a checkpoint, or about how a second one differs from it.",
        discussion: """
            One checkpoint: the totals (parameters, buffers, bytes, by dtype), a treemap of the parameters by module \
            (area = elements; hover or tap a tensor for its key, shape, dtype and bytes), and a table of tensors, \
            sortable and filtered by key, each with min, max, mean, std, NaN/Inf counts and a histogram of its values \
            (log count). Two checkpoints (A B): the verdict and counts of `ckpt diff`, the treemap coloured by each \
            tensor's relative L2 change, the change of every layer in model order (where fine-tuning acted), the \
            keys only in A or B, shape and dtype mismatches with diff's diagnosis, and per changed tensor of 2 or \
            more dimensions a map of max |a - b| over a grid of at most 64x64 cells (a conv weight as [out, in*kh*kw]).

            The page is one file: style, script and data inline, no fonts or requests from the network (its \
            Content-Security-Policy forbids them), light and dark as the system prefers; it opens from disk in any \
            browser. Its figures are those of `ckpt inspect --stats --json`, `ckpt count --json` and `ckpt diff --json` \
            (the same computation); --json prints the data the page draws. Values are read once, one tensor at a \
            time, so memory stays near the largest tensor. The file is written to a temporary file beside OUT and \
            renamed into place; exit status 0 when it is written, whether or not the checkpoints differ.
            """)

    @Argument(help: "The checkpoint (FILE or FILE#ENTRY), or A when B is given.")
    var checkpoint: String

    @Argument(help: "A second checkpoint to compare with the first.")
    var b: String?

    @Option(name: .short, help: ArgumentHelp("The HTML file to write.", valueName: "out.html"))
    var outputFile: String

    @OptionGroup var comparison: ComparisonArguments

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if b == nil, comparison.isSet { throw ValidationError("--atol, --rtol, --map-a and --map-b need a second checkpoint") }
    }

    func run() throws {
        try CLI.guarded {
            let c = comparison
            let document = try b.map {
                try Reporting.comparison(checkpoint, $0, atol: c.atol, rtol: c.rtol, mapA: c.mapA, mapB: c.mapB, progress: TerminalProgress())
            } ?? Reporting.checkpoint(checkpoint, progress: TerminalProgress())
            let page = try ReportPage.html(document)
            try Reporting.write(page, to: outputFile, inputs: [checkpoint] + (b.map { [$0] } ?? []))
            try output.print(document) { ReportText.render(document, output: outputFile, bytes: page.utf8.count) }
        }
    }
}
