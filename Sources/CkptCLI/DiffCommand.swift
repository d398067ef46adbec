import ArgumentParser
import CkptWorkflows

/// `ckpt diff A B`: keys only on one side, shape and dtype mismatches, and value differences.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two checkpoints: keys, shapes, dtypes and values.",
        discussion: """
        Works across formats and dtypes (values are compared as float64). An element is mismatched when \
        |a - b| > atol + rtol*|b| (the default 0, 0 means exact). Unlike torch.equal, NaN against NaN at the \
        same place counts as equal, and so does an infinity against the same infinity; a NaN or infinity \
        against anything else is mismatched and left out of the max/mean/rel L2 figures, which cover the \
        finite differences. rel L2 is ||a - b|| / ||b||, undefined (null) when B is all zeros and A is not, \
        or when NaN/Inf disagree.

        Keys are renamed with --map-a/--map-b before they are aligned; when the keys only on one side differ \
        from those only on the other by a wrapper prefix (module., _orig_mod., _fsdp_wrapped_module., model.), \
        the report says which --map fixes it.

        A llama, qwen2 or qwen3 GGUF compared with a checkpoint in another format is compared under Hugging \
        Face names (blk.N.attn_q.weight as model.layers.N.self_attn.q_proj.weight), for llama with llama.cpp's \
        Q/K row permutation undone; its quantized tensors are compared by their dequantized values.

        Tensors are read one at a time from the mapped files, so memory stays near the largest tensor.

        Exit status: 0 identical (within tolerance), 1 different, 2 unreadable file or bad arguments.
        """)

    @Argument(help: "The first checkpoint (FILE or FILE#ENTRY).")
    var a: String

    @Argument(help: "The second checkpoint (FILE or FILE#ENTRY).")
    var b: String

    @OptionGroup var comparison: ComparisonArguments

    @Flag(help: "Compare keys, shapes and dtypes only; read no tensor data.")
    var keysOnly = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        try CLI.answer {
            let c = comparison
            let report = try Comparison.run(a, b, atol: c.atol, rtol: c.rtol, keysOnly: keysOnly, mapA: c.mapA, mapB: c.mapB,
                                            progress: TerminalProgress())
            // Unlike the other commands, diff's --quiet silences --json too.
            if !output.quiet { try output.print(report) { DiffText.render(report) } }
            return report.identical
        }
    }
}
