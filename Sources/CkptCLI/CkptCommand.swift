import ArgumentParser

/// The `ckpt` root command.
public struct CkptCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ckpt",
        abstract: "Inspect, count, diff, convert, load and verify neural-network checkpoints.",
        subcommands: [
            InspectCommand.self,
            CountCommand.self,
            DiffCommand.self,
            ConvertCommand.self,
            ShowCommand.self,
        ])
    public init() {}
}
