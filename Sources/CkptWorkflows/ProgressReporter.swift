/// Where long work tells how far it got: the CLI draws a bar on a terminal, library callers may ignore it.
/// A workflow calls `begin` once it knows the total, `advance` as it goes, and `finish` at the end. Work is counted
/// in bytes (reading, writing, loading) or in steps of a named unit (a forward pass's layers).
public protocol ProgressReporter: AnyObject {
    /// Work named `label` (`stats`, `diff`, `cast`) of `totalBytes` starts.
    func begin(_ label: String, totalBytes: Int)
    /// Work named `label` of `total` in `unit` starts (`forward`, 12 layers).
    func begin(_ label: String, total: Int, unit: ProgressUnit)
    /// `amount` more (bytes, or steps of the unit `begin` named) are done.
    func advance(_ amount: Int)
    /// The work is done (a bar clears its line).
    func finish()
}

/// What a progress total counts.
public enum ProgressUnit: Sendable, Equatable {
    case bytes
    /// Steps named by the unit (`layers`).
    case steps(String)
}

extension ProgressReporter {
    /// Reporters that count bytes only see steps as bytes.
    public func begin(_ label: String, total: Int, unit: ProgressUnit) { begin(label, totalBytes: total) }
}

/// Reports nothing.
public final class SilentProgress: ProgressReporter {
    public init() {}
    public func begin(_ label: String, totalBytes: Int) {}
    public func advance(_ bytes: Int) {}
    public func finish() {}
}
