import CkptWorkflows
import Foundation

/// A progress line on stderr for loads and forward passes, whatever their size: shown only when stderr is a
/// terminal and once the work has taken more than a second (quick runs, scripts and tests never see it).
/// Bytes are shown as sizes, steps with their unit (`forward [######----] 7/12 layers`).
final class TimedProgress: ProgressReporter {
    static let delay: TimeInterval = 1
    private var label = ""
    private var total = 0
    private var unit: ProgressUnit = .bytes
    private var done = 0
    private var start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let enabled: Bool

    init(enabled: Bool = Terminal.stderrIsTTY) { self.enabled = enabled }

    func begin(_ label: String, totalBytes: Int) { begin(label, total: totalBytes, unit: .bytes) }

    func begin(_ label: String, total: Int, unit: ProgressUnit) {
        finish()
        self.label = TerminalText.escaped(label)
        self.total = total
        self.unit = unit
        done = 0
        start = Date()
        lastDraw = .distantPast
    }

    func advance(_ amount: Int) {
        guard enabled, total > 0 else { return }
        done = min(total, done + amount)
        let now = Date()
        // Redraw at most ten times a second, and only once the work has lasted a second.
        guard now.timeIntervalSince(start) >= Self.delay, now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// `label [bar] amount`.
    var line: String {
        let width = 30
        let filled = total > 0 ? done * width / total : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let amount: String
        switch unit {
        case .bytes: amount = "\(Fmt.bytes(done))/\(Fmt.bytes(total))"
        case .steps(let name): amount = "\(done)/\(total) \(name)"
        }
        return "\(label) [\(bar)] \(amount) \(String(format: "%.0fs", Date().timeIntervalSince(start)))"
    }

    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
