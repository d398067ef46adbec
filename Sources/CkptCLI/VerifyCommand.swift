import ArgumentParser
import CkptWorkflows

/// `ckpt verify MODEL [CHECKPOINT]`: load strictly, run forward (and backward), check the numbers; with `--against`,
/// compare with another checkpoint by what it computes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Load a checkpoint into a model, run a forward pass, check outputs are finite and match expected ones.",
        discussion: """
            The model runs in eval mode. Outputs match when |out - expected| <= atol + rtol * |expected| everywhere. \
            For a model folder (config.json + weights) the CHECKPOINT may be left out, inputs are --tokens or \
            --input ids.npy (with --attention-mask), and only the first output (logits, or BertModel's \
            last_hidden_state) is checked. --against OTHER (a folder, or a checkpoint of the same architecture in any \
            format or dtype) runs OTHER on the same inputs and compares: top-1 agreement and mean KL(model || OTHER) \
            of the next-token distributions (passes when mean KL <= --max-kl), or for encoders max abs diff (passes \
            when <= --atol) and cosine similarity. Exit status 0 when everything loads and matches, 1 when not, 2 on trouble.
            """)

    @OptionGroup var load: SessionArguments
    @OptionGroup var inputs: InputArguments
    @Option(help: ArgumentHelp("Expected outputs: a file with one tensor per output, or FILE#KEY (repeatable).", valueName: "file[#key]"))
    var expect: [String] = []
    @Option(help: "Absolute tolerance.") var atol: Double = 1e-5
    @Option(help: "Relative tolerance.") var rtol: Double = 1e-4
    @Flag(help: "Also run backward from the sum of the outputs and check every parameter gets a finite gradient.")
    var backward = false
    @Option(help: ArgumentHelp("Another model folder or checkpoint to compare with, by what it computes on the same inputs.", valueName: "other"))
    var against: String?
    @Option(name: .customLong("max-kl"), help: "With --against: the largest mean KL divergence (nats) that passes.") var maxKL: Double = 1e-3
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(maxKL >= 0) { throw ValidationError("--max-kl must be a non-negative number") }
    }

    func run() throws {
        try CLI.answer {
            let report = try inputs.computing { try Verification.run(model: load.source, checkpoint: try load.weights(), options: load.load.options,
                                              inputs: inputs.inputs, expected: expect, atol: atol, rtol: rtol, backward: backward,
                                              against: against.map { Verification.Against(other: $0, maxKL: maxKL) },
                                              progress: TimedProgress()) }
            try output.print(report) { VerifyText.render(report) }
            return report.ok
        }
    }
}
