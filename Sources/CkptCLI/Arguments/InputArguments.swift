import ArgumentParser
import CkptWorkflows

/// `--input`, `--input-shape` and `--seed`: the forward pass inputs of verify and run.
struct InputArguments: ParsableArguments {
    @Option(help: ArgumentHelp("An input tensor, one per forward argument (repeatable): .npy or FILE#KEY.", valueName: "file[#key]"))
    var input: [String] = []

    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Random standard-normal input of this shape (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []

    @Option(help: "Seed for random inputs.")
    var seed: UInt64 = 0

    /// The inputs for `LoadSession.forward`: the files, else random data of the shapes.
    var inputs: ForwardInputs { ForwardInputs(files: input, shapes: inputShape, seed: seed) }
}
