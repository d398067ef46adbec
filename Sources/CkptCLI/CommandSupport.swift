import ArgumentParser
import CkptCore
import Foundation

/// Shared plumbing for commands: one-line errors with exit status 2, answers as exit statuses, JSON output, stderr.
enum CLI {
    /// Runs `body`; any error becomes `ckpt: error: FILE: what is wrong` on stderr and exit status 2 (thrown as
    /// `ExitCode(2)`, so that the command's frames unwind and free what they hold before `CkptMain` exits).
    /// `ExitCode`s thrown by `body` pass through.
    static func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as ExitCode {
            throw e
        } catch {
            printError(message(for: error))
            throw ExitCode(2)
        }
    }

    /// Runs `body` as `guarded` does; its answer `false` ("no": differences, keys that do not load, outputs off)
    /// is exit status 1.
    static func answer(_ body: () throws -> Bool) throws {
        var yes = false
        try guarded { yes = try body() }
        if !yes { throw ExitCode(1) }
    }

    /// The one-line text for an error.
    static func message(for error: Error) -> String {
        switch error {
        case let e as CustomStringConvertible: return e.description
        default: return String(describing: error)
        }
    }

    static func printError(_ line: String) {
        // One line whatever the message holds: its newlines become spaces, file text's control characters escapes.
        let text = TerminalText.escaped(line.replacingOccurrences(of: "\n", with: " "))
        FileHandle.standardError.write(Data(("ckpt: error: " + text + "\n").utf8))
    }

    /// Writes one JSON document to stdout.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
