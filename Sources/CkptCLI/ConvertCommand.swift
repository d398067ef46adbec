import ArgumentParser
import CkptCore
import CkptWorkflows

/// `ckpt convert IN OUT`: rewrites a checkpoint in another format, keeping key order, dtypes and bytes.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Rewrite a checkpoint in OUT's format, keeping key order, dtypes and bytes exactly.",
        discussion: """
            The output format comes from OUT's extension (.pt .pth .bin .ckpt, .h5 .hdf5, .safetensors, .npz, \
            .npy) or --to. The file is written to a temporary file beside OUT and renamed into place; IN is \
            never overwritten.
            """)

    @Argument(help: "The checkpoint to read, or FILE#ENTRY.")
    var input: String

    @Argument(help: ArgumentHelp("The file to write.", valueName: "output"))
    var file: String

    @Option(name: .long, help: "Output format: torch-zip, hdf5, safetensors, npz or npy (default: from OUT's extension).")
    var to: String?

    @Option(name: .long, help: "Cast floating-point tensors to this dtype (float32, float16, bfloat16, float64).")
    var dtype: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let dtype {
            let d: DType
            do { d = try DType(userName: dtype) } catch { throw ValidationError("\(error)") }
            guard d.isFloatingPoint else { throw ValidationError("--dtype must be a floating-point dtype, not \(d.rawValue)") }
        }
        if let to, Conversion.format(named: to) == nil {
            throw ValidationError("unknown output format '\(to)' (expected torch-zip, hdf5, safetensors, npz or npy)")
        }
    }

    func run() throws {
        try CLI.guarded {
            let summary = try Conversion.run(input: input, output: file, format: to, dtype: try dtype.map { try DType(userName: $0) },
                                             progress: TerminalProgress())
            try output.print(summary) { ConvertText.render(summary) }
        }
    }
}
