import ArgumentParser
import CkptWorkflows

/// The `ckpt` root command.
public struct CkptCommand: ParsableCommand {
    /// What `ckpt --version` prints.
    public static let version = "ckpt 0.5.0"

    public static let configuration = CommandConfiguration(
        commandName: "ckpt",
        abstract: "Inspect, count, diff, convert, load and verify neural-network checkpoints.",
        discussion: """
            Formats, recognised from the bytes, never from the extension: \
            \(Conversion.readableFormats.joined(separator: ", ")). \
            Written: \(Conversion.writableFormats.joined(separator: ", ")).

            Examples:
              ckpt inspect model.pt
              ckpt inspect model-Q4_K_M.gguf --stats
              ckpt diff model.safetensors model.gguf
              ckpt convert model.gguf model.safetensors --dtype bfloat16
              ckpt count model.jit                              (TorchScript)
              ckpt inspect model.pt2                            (torch.export)
              ckpt convert checkpoints/step_1000 step_1000.pt   (DCP folder)
              ckpt inspect model.onnx --filter 'If_0.*'         (ONNX)
              ckpt report base.safetensors finetuned.pt -o diff.html
            """,
        version: CkptCommand.version,
        subcommands: [
            InspectCommand.self,
            CountCommand.self,
            DiffCommand.self,
            ConvertCommand.self,
            ShowCommand.self,
            LoadIntoCommand.self,
            VerifyCommand.self,
            RunCommand.self,
            InitCommand.self,
            SummaryCommand.self,
            ReportCommand.self,
        ])
    public init() {}
}
