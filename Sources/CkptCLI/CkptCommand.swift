import ArgumentParser

/// The `ckpt` root command.
public struct CkptCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ckpt",
        abstract: "Inspect, count, diff, convert, load and verify neural-network checkpoints.",
        subcommands: [DiffCommand.self])
    public init() {}
}
