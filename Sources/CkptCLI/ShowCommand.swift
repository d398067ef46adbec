import ArgumentParser
import CkptWorkflows

/// `ckpt show CHECKPOINT KEY`: a tensor's values as PyTorch prints them.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a tensor's values as PyTorch prints them (tensor([[ 0.0298,  0.2628, ...]])).",
        discussion: """
            Uses torch.set_printoptions' defaults: precision 4, line width 80, and past --max elements only the \
            first and last 3 along each dimension. A KEY naming a non-tensor value prints it as Python would.
            """)

    @Argument(help: "The checkpoint file, or FILE#ENTRY.")
    var checkpoint: String

    @Argument(help: "The tensor's dotted key (may be left out when the file holds one tensor).")
    var key: String?

    @Option(name: .long, help: "Summarise with '...' past this many elements (torch's threshold, default 1000).")
    var max: Int = 1000

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if max < 0 { throw ValidationError("--max must be 0 or more") }
    }

    func run() throws {
        try CLI.guarded {
            let document = try ValueLookup.run(checkpoint, key: key, threshold: max)
            try output.print(document) { document.text }
        }
    }
}
