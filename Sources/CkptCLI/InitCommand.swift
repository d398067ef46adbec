import ArgumentParser
import CkptWorkflows

/// `ckpt init MODEL -o OUT`: a freshly initialised state_dict.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a freshly initialised state_dict for a model (PyTorch's default initialisation, or one of torch.nn.init's).",
        discussion: """
            --init applies a torch.nn.init function to every weight of 2 or more dims (Linear, Conv, Embedding, \
            recurrent weights) and zeroes every bias, as the classic tutorials' net.apply(init_weights) does: \
            normal:MEAN,STD  uniform:A,B  constant:VAL  zeros  ones  eye  dirac  xavier_uniform[:GAIN]  \
            xavier_normal[:GAIN]  kaiming_uniform[:A]  kaiming_normal[:A]  orthogonal[:GAIN]  trunc_normal:MEAN,STD,A,B; \
            keyword arguments work too (kaiming_normal:mode=fan_out,nonlinearity=relu; xavier_uniform:gain=relu). \
            Values come from ckpt's seeded generator: the same distributions as PyTorch, not the same numbers.
            """)

    @Argument(help: "The model file, or a model folder (or its config.json): transformers' initialisation.") var model: String
    @Option(name: .short, help: ArgumentHelp("Where to write the state_dict.", valueName: "out")) var outputFile: String
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(name: .customLong("init"), help: ArgumentHelp("A torch.nn.init function for the weights.", valueName: "name[:args]"))
    var initializer: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        try CLI.guarded {
            let written = try Initialization.run(ModelSource(argument: model), writingTo: outputFile, seed: seed, initializer: initializer)
            if output.json { try CLI.printJSON(written) }
        }
    }
}
