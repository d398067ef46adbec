import CkptCore
import CkptFormats
import CkptReports

/// `diff`: two checkpoints compared key by key (any formats, values as float64), streaming one tensor at a time.
/// A GGUF compared with another format takes Hugging Face names and row order first (`Checkpoint.aligned(with:)`).
public enum Comparison {
    /// Compares `a` and `b` (`FILE[#ENTRY]` each). `mapA`/`mapB` are `REGEX=REPLACEMENT` rules renaming each side's
    /// keys first (parsed before any file is read); `keysOnly` reads no tensor data.
    public static func run(_ a: String, _ b: String, atol: Double = 0, rtol: Double = 0, keysOnly: Bool = false,
                           mapA: [String] = [], mapB: [String] = [], progress: ProgressReporter = SilentProgress()) throws -> DiffReport {
        var options = DiffOptions(atol: atol, rtol: rtol, keysOnly: keysOnly, mapA: try KeyMap(mapA), mapB: try KeyMap(mapB))
        let readA = try Checkpoint.read(reference: a), readB = try Checkpoint.read(reference: b)
        let left = try readA.aligned(with: readB), right = try readB.aligned(with: readA)
        let bytes = { (c: Checkpoint) in c.stateDict.tensors.values.reduce(0) { $0 + $1.byteCount } }
        progress.begin("diff", totalBytes: keysOnly ? 0 : bytes(left) + bytes(right))
        options.progress = progress.advance
        let report = try DiffReport.compare(left.stateDict, right.stateDict, nameA: a, nameB: b, options: options)
        progress.finish()
        return report
    }
}
