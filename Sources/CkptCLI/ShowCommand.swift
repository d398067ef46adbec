import ArgumentParser
import CkptCore
import CkptFormats
import CkptReports
import Foundation

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
            let c = try Checkpoint.read(reference: checkpoint)
            let tensors = c.stateDict.tensors
            guard let key = key ?? (tensors.count == 1 ? tensors.keys.first : nil) else {
                let keys = tensors.keys.prefix(8).joined(separator: ", ") + (tensors.count > 8 ? ", …" : "")
                throw FileError(path: checkpoint, .notFound("which tensor? the file holds \(tensors.count): \(keys)"))
            }
            if let t = tensors[key] {
                let text: String
                do { text = try TensorRepr.string(t, options: TensorPrintOptions(threshold: max)) } catch let e as CheckpointError {
                    throw FileError(path: checkpoint, .malformed("\(key): \(e.description)"))
                }
                if output.json {
                    try CLI.printJSON(ShowDocument(key: key, dtype: t.dtype.rawValue, shape: t.shape, text: text))
                } else {
                    print(text)
                }
                return
            }
            if let v = c.stateDict.metadata[key] ?? c.stateDict.fileMetadata[key] {
                if output.json { try CLI.printJSON(ShowDocument(key: key, dtype: nil, shape: nil, text: v.description)) }
                else { print(v.description) }
                return
            }
            let candidates = Array(tensors.keys) + Array(c.stateDict.metadata.keys) + Array(c.stateDict.fileMetadata.keys)
            let close = Self.closeMatches(key, in: candidates)
            let hint = close.isEmpty ? "" : " (close matches: \(close.joined(separator: ", ")))"
            throw FileError(path: checkpoint, .notFound("no tensor '\(key)'\(hint)"))
        }
    }

    /// Up to five keys most like `query`: keys containing it first, then by edit distance.
    static func closeMatches(_ query: String, in keys: [String], limit: Int = 5) -> [String] {
        let q = query.lowercased()
        let contains = keys.filter { $0.lowercased().contains(q) }
        // Edit distance is quadratic: only for keys of sensible length (a hostile file may hold huge ones).
        let scored = keys.filter { $0.count <= 256 && q.count <= 256 && !$0.lowercased().contains(q) }
            .map { ($0, editDistance(q, $0.lowercased())) }
            .filter { $0.1 <= Swift.max(2, q.count / 2) }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
        return Array((contains + scored).prefix(limit))
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0 ... y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1 ... x.count {
            cur[0] = i
            for j in 1 ... y.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }
}

/// The `--json` document of `show`.
struct ShowDocument: Encodable {
    let key: String
    let dtype: String?
    let shape: [Int]?
    let text: String
}
