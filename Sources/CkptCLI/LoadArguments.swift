import ArgumentParser
import CkptWorkflows

/// `--strict/--no-strict`, `--map` and `--match`: how load-into, verify and run load a checkpoint.
struct LoadArguments: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Fail on missing or unexpected keys, as load_state_dict(strict=True). Size mismatches fail either way.")
    var strict = true

    @Option(name: .customLong("map"), help: ArgumentHelp("Rename checkpoint keys first: REGEX=REPLACEMENT (repeatable; $1 or \\1 for groups).", valueName: "regex=replacement"))
    var map: [String] = []

    @Option(name: .customLong("match"), help: ArgumentHelp("'shape': align differently named tensors by registration order and shape.", valueName: "shape"))
    var match: String?

    func validate() throws {
        if let m = match, LoadOptions.Matching(rawValue: m) != .shape { throw ValidationError(ArgumentError.unknownMatch(m).description) }
    }

    /// The options for a `LoadSession`.
    var options: LoadOptions {
        LoadOptions(strict: strict, keyMap: map, matching: match == "shape" ? .shape : .names)
    }
}

/// `--input`, `--input-shape`, `--seed`, and for model folders `--tokens` and `--attention-mask`: the forward pass
/// inputs of verify and run.
struct InputArguments: ParsableArguments {
    @Option(help: ArgumentHelp("An input tensor, one per forward argument (repeatable): .npy or FILE#KEY. For a model folder: token ids, int64 [batch, length].", valueName: "file[#key]"))
    var input: [String] = []

    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Random standard-normal input of this shape (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []

    @Option(help: "Seed for random inputs.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Token ids of one sequence, for a model folder (a batch of one).", valueName: "1,5,7"))
    var tokens: String?

    @Option(name: .customLong("attention-mask"), help: ArgumentHelp("An attention mask [batch, length] (1 = token, 0 = padding), passed after the inputs.", valueName: "file[#key]"))
    var attentionMask: String?

    func validate() throws {
        if let tokens { _ = try ForwardInputs.tokens(tokens) }
    }

    /// The inputs (`--tokens` parsed; `validate` has checked it).
    var inputs: ForwardInputs {
        ForwardInputs(files: input, shapes: inputShape, seed: seed, tokens: tokens.flatMap { try? ForwardInputs.tokens($0) } ?? [],
                      attentionMask: attentionMask)
    }
}
