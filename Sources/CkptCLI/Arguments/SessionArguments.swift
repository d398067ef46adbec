import ArgumentParser
import CkptWorkflows

/// MODEL, CHECKPOINT and how to load one into the other: the arguments load-into, verify and run share, and the
/// `LoadSession` they open. When MODEL is a model folder, CHECKPOINT may be left out: the folder's own weights
/// (`ModelSource.ownWeights`).
struct SessionArguments: ParsableArguments {
    @Argument(help: "The model file (print(model) text, optionally with a pasted forward), or a model folder (or its config.json).")
    var model: String

    @Argument(help: "The checkpoint (FILE or FILE#ENTRY); a model folder's own weights when left out.")
    var checkpoint: String?

    @OptionGroup var load: LoadArguments

    /// The model source MODEL names.
    var source: ModelSource { ModelSource(argument: model) }

    /// The checkpoint to load: CHECKPOINT, else the model folder's own weights.
    func weights() throws -> CheckpointReference { try source.checkpoint(checkpoint) }

    /// Builds the model (`values: false`: keys and shapes only), reads the checkpoint and aligns its keys; loads and
    /// forward passes that take more than a second show their progress on a terminal.
    func open(values: Bool = true) throws -> LoadSession {
        let session = try LoadSession(model: source, checkpoint: try weights(), options: load.options, values: values)
        session.progress = TimedProgress()
        return session
    }
}

/// `--strict/--no-strict`, `--map` and `--match`: how a checkpoint is loaded.
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
