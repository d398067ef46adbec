import CkptWorkflows
import Foundation

/// A progress bar on stderr for long work: shown only when stderr is a terminal and the work is more than
/// 256 MiB, so scripts and tests never see it. Redrawn at most once per percent.
final class TerminalProgress: ProgressReporter {
    static let minimumBytes = 256 << 20
    private var total = 0
    private var label = ""
    private var enabled = false
    private var done = 0
    private var shownPercent = -1

    /// Starts a bar (reset) for work of `totalBytes`.
    func begin(_ label: String, totalBytes: Int) {
        self.total = totalBytes
        self.label = TerminalText.escaped(label)
        self.enabled = Terminal.stderrIsTTY && totalBytes > Self.minimumBytes
        done = 0
        shownPercent = -1
    }

    /// Records `bytes` more done.
    func advance(_ bytes: Int) {
        guard enabled, total > 0 else { return }
        done = min(total, done + bytes)
        let percent = done * 100 / total
        guard percent != shownPercent else { return }
        shownPercent = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(Fmt.bytes(done))/\(Fmt.bytes(total))".utf8))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled, shownPercent >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Terminal facts: whether stdout/stderr are terminals, and colour (never with `NO_COLOR` set).
enum Terminal {
    static let stdoutIsTTY = isatty(STDOUT_FILENO) == 1
    static let stderrIsTTY = isatty(STDERR_FILENO) == 1
    static var color: Bool { stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    static func bold(_ s: String) -> String { color ? "\u{1B}[1m" + s + "\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { color ? "\u{1B}[2m" + s + "\u{1B}[0m" : s }
}
