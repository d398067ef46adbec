import ArgumentParser
import CkptCore
import CkptTensor
import CkptWorkflows

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

    @Option(help: ArgumentHelp("Precision of the products with bfloat16 weights: float32 (default: exact widening) or bfloat16 (inputs and outputs rounded to bf16, AVX512-BF16 dot products where the CPU has them).", valueName: "dtype"))
    var compute: String = "float32"

    func validate() throws {
        if let tokens { _ = try ForwardInputs.tokens(tokens) }
        guard ["float32", "bfloat16"].contains(compute) else {
            throw ValidationError("--compute must be float32 or bfloat16, not '\(compute)'")
        }
    }

    /// Runs `body` in the engine context `--compute` asks for.
    func computing<R>(_ body: () throws -> R) rethrows -> R {
        try EngineContext.with(\.computeDType, compute == "bfloat16" ? .bfloat16 : .float32, body)
    }

    /// The inputs for `LoadSession.forward`: `--tokens`, else the files, else random data of the shapes, then the
    /// attention mask (`validate` has checked `--tokens`).
    var inputs: ForwardInputs {
        ForwardInputs(files: input, shapes: inputShape, seed: seed, tokens: tokens.flatMap { try? ForwardInputs.tokens($0) } ?? [],
                      attentionMask: attentionMask)
    }
}
