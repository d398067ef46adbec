import ArgumentParser
import CkptWorkflows

/// `ckpt count CHECKPOINT`: parameter counts as `sum(p.numel() for p in model.parameters())` gives them.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count parameters and buffers: shared storage once, by dtype and by module prefix.",
        discussion: """
            Given a model file or a model folder (config.json), parameters and buffers are the model's own; a model file \
            followed by its checkpoint is first completed from it (the Parameter and tie lines print(model) cannot show). \
            From a checkpoint alone, buffers are \
            tensors named running_mean, running_var or num_batches_tracked and every non-floating tensor \
            (position_ids). Reads metadata only.
            """)

    @Argument(help: "The checkpoint file, FILE#ENTRY, a model file, or a model folder (or its config.json).")
    var checkpoint: String

    @Argument(help: ArgumentHelp("With a model file: its checkpoint, which completes what the printout cannot show (as load-into --complete).",
                                 valueName: "checkpoint"))
    var completingCheckpoint: String?

    @Option(name: .long, help: "Module prefixes of this many components in 'by prefix' (default 1).")
    var depth: Int = 1

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if depth < 1 { throw ValidationError("--depth must be at least 1") }
    }

    func run() throws {
        try CLI.guarded {
            let report = try completingCheckpoint.map {
                try Counting.count(ModelSource(argument: checkpoint), completedBy: CheckpointReference($0), depth: depth)
            } ?? Counting.run(checkpoint, depth: depth)
            try output.print(report) { CountText.render(report) }
        }
    }
}
