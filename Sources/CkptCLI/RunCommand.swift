import ArgumentParser
import CkptWorkflows

/// `ckpt run MODEL [CHECKPOINT] --input FILE -o OUT`: the forward pass, outputs written to a file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model's forward pass on inputs and write its outputs.",
        discussion: """
            OUT is .npy for one output, else any writable format with keys output, output.1, …. The model runs in eval mode. \
            For a model folder the CHECKPOINT may be left out, the inputs are --tokens or --input ids.npy (with \
            --attention-mask), and the output is the first one: a causal LM's logits, BertModel's last_hidden_state.
            """)

    @OptionGroup var load: SessionArguments
    @OptionGroup var inputs: InputArguments
    @Option(name: .short, help: ArgumentHelp("Where to write the outputs.", valueName: "out")) var outputFile: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        try CLI.answer { try inputs.computing {
            let session = try load.open()
            let report = try session.load()
            guard report.ok else {
                CLI.printError("\(report.checkpoint): does not load into \(report.model): " + (report.pytorchError ?? ""))
                return false
            }
            let written = try session.run(inputs: inputs.inputs, writingTo: outputFile)
            if output.json { try CLI.printJSON(written) }
            return true
        } }
    }
}
