import ArgumentParser
import CkptWorkflows

/// `ckpt verify MODEL CHECKPOINT`: load strictly, run forward (and backward), check the numbers.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Load a checkpoint into a model, run a forward pass, check outputs are finite and match expected ones.",
        discussion: """
            The model runs in eval mode. Outputs match when |out - expected| <= atol + rtol * |expected| everywhere. \
            Exit status 0 when everything loads and matches, 1 when not, 2 on trouble.
            """)

    @OptionGroup var load: SessionArguments
    @OptionGroup var inputs: InputArguments
    @Option(help: ArgumentHelp("Expected outputs: a file with one tensor per output, or FILE#KEY (repeatable).", valueName: "file[#key]"))
    var expect: [String] = []
    @Option(help: "Absolute tolerance.") var atol: Double = 1e-5
    @Option(help: "Relative tolerance.") var rtol: Double = 1e-4
    @Flag(help: "Also run backward from the sum of the outputs and check every parameter gets a finite gradient.")
    var backward = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try CLI.answer {
            let report = try load.open().verify(inputs: inputs.inputs, expected: expect, atol: atol, rtol: rtol, backward: backward)
            try output.print(report) { VerifyText.render(report) }
            return report.ok
        }
    }
}
