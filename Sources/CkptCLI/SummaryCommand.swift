import ArgumentParser
import CkptReports
import CkptWorkflows

/// `ckpt summary MODEL`: PyTorch's print(model), then a per-layer table.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model as PyTorch's print(model) does, then its layers with parameter counts (and output shapes).")

    @Argument(help: "The model file, or a model folder (or its config.json).") var model: String
    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Run one forward pass on random data of this shape to show output shapes (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []
    @Option(help: "Seed for the random input.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("For a model folder: run one forward pass on these token ids to show output shapes.", valueName: "1,5,7"))
    var tokens: String?

    func validate() throws {
        if let tokens { _ = try ForwardInputs.tokens(tokens) }
    }
    @OptionGroup var output: OutputOptions

    func run() throws {
        try CLI.guarded {
            let ids = try tokens.map { try ForwardInputs.tokens($0) } ?? []
            let inputs = inputShape.isEmpty && ids.isEmpty ? nil : ForwardInputs(shapes: inputShape, seed: seed, tokens: ids)
            let summary = try ModelSummary(ModelSource(argument: model), inputs: inputs)
            try output.print(summary) { SummaryText.render(summary) }
        }
    }
}
