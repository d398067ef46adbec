import ArgumentParser
import Foundation

/// `--json` and `-q/--quiet`, the same group in every command.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document on stdout instead of text.")
    var json = false

    @Flag(name: [.short, .long], help: "Print no text on stdout; the exit status answers.")
    var quiet = false

    /// Prints `document` as JSON with `--json` (even with `--quiet`: the document was asked for), else `text()`
    /// unless `--quiet`, with the control characters of file text escaped (`TerminalText`).
    func print<Document: Encodable>(_ document: Document, text: () -> String) throws {
        if json {
            try CLI.printJSON(document)
        } else if !quiet {
            Swift.print(TerminalText.escapedOutput(text(), color: Terminal.color))
        }
    }
}
