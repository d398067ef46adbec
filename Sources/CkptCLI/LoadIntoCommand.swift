import ArgumentParser
import CkptWorkflows

/// `ckpt load-into MODEL [CHECKPOINT]`: `load_state_dict` with every problem reported at once.
struct LoadIntoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-into",
        abstract: "Load a checkpoint into a model as load_state_dict does; report missing, unexpected and mis-sized keys.",
        discussion: """
            A model folder (config.json + weights; CHECKPOINT defaults to its own weights) loads as transformers' \
            from_pretrained does: a tied lm_head absent from the file is not missing, keys the class ignores \
            (position_ids, rotary_emb.inv_freq, GPT-2's attn.bias) are not unexpected, and base_model_prefix \
            (bert., transformer., model.) is added or stripped. \
            Exit status 0 when everything loads (with --no-strict, missing and unexpected keys are reported but do \
            not fail; size mismatches always fail), 1 when it does not, 2 on trouble.
            """)

    @OptionGroup var load: SessionArguments

    @Flag(help: "Print the checkpoint-key → model-key mapping without loading.")
    var plan = false

    @Option(name: .short, help: ArgumentHelp("Write the model's state_dict after loading (model key names) to this file; with --complete, "
                                             + "the completed model file.", valueName: "out"))
    var outputFile: String?

    @Flag(help: ArgumentHelp("Write the model file completed from the checkpoint (-o): the Parameter, Buffer and tie lines "
                             + "print(model) cannot show, each after a comment with its evidence; then load into it."))
    var complete = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if complete && outputFile == nil { throw ValidationError("--complete needs -o FILE.model: where to write the completed model file") }
    }

    func run() throws {
        try CLI.answer {
            if complete, let outputFile {
                let report = try CompletionReport(completing: try load.open(values: false), into: outputFile)
                try output.print(report) { CompletionText.render(report) }
                return report.ok
            }
            // Without -o only keys and shapes matter: the model holds no values and no tensor bytes are read.
            let session = try load.open(values: outputFile != nil)
            if plan {
                if !output.quiet { print(TerminalText.escapedOutput(LoadIntoText.render(session.plan), color: Terminal.color)) }
                return true
            }
            let report = try session.loadInto(writingTo: outputFile)
            try output.print(report) { LoadIntoText.render(report) }
            return report.ok
        }
    }
}
