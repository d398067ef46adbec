/// Where long work tells how far it got, in bytes: the CLI draws a bar on a terminal, library callers may ignore it.
/// A workflow calls `begin` once it knows the total, `advance` as it goes, and `finish` at the end.
public protocol ProgressReporter: AnyObject {
    /// Work named `label` (`stats`, `diff`, `cast`) of `totalBytes` starts.
    func begin(_ label: String, totalBytes: Int)
    /// `bytes` more are done.
    func advance(_ bytes: Int)
    /// The work is done (a bar clears its line).
    func finish()
}

/// Reports nothing.
public final class SilentProgress: ProgressReporter {
    public init() {}
    public func begin(_ label: String, totalBytes: Int) {}
    public func advance(_ bytes: Int) {}
    public func finish() {}
}
