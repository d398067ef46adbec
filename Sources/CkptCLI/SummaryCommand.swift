import ArgumentParser
import CkptReports
import CkptWorkflows

/// `ckpt summary MODEL`: PyTorch's print(model), then a per-layer table.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model as PyTorch's print(model) does, then its layers with parameter counts (and output shapes).")

    @Argument(help: "The model file.") var model: String
    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Run one forward pass on random data of this shape to show output shapes (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []
    @Option(help: "Seed for the random input.") var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func run() throws {
        try CLI.guarded {
            let inputs = inputShape.isEmpty ? nil : ForwardInputs(shapes: inputShape, seed: seed)
            let summary = try ModelSummary(ModelSource(argument: model), inputs: inputs)
            try output.print(summary) { SummaryText.render(summary) }
        }
    }
}
