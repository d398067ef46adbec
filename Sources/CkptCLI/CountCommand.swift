import ArgumentParser
import CkptCore
import CkptFormats
import CkptReports
import Foundation

/// `ckpt count CHECKPOINT|MODEL`: parameter counts as `sum(p.numel() for p in model.parameters())` gives them.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count parameters and buffers: shared storage once, by dtype and by module prefix.",
        discussion: """
            From a file alone, buffers are tensors named running_mean, running_var or num_batches_tracked and \
            every non-floating tensor (position_ids). Reads metadata only.
            """)

    @Argument(help: "The checkpoint file (or FILE#ENTRY), or a model file for exact counts.")
    var checkpoint: String

    @Option(name: .long, help: "Module prefixes of this many components in 'by prefix' (default 1).")
    var depth: Int = 1

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if depth < 1 { throw ValidationError("--depth must be at least 1") }
    }

    func run() throws {
        try CLI.guarded {
            let report = try Self.count(checkpoint, depth: depth)
            if output.json {
                try CLI.printJSON(report)
            } else {
                print(Self.text(report))
            }
        }
    }

    /// Counts a checkpoint, or, when the file is a model file (text, not a checkpoint format), the model exactly.
    static func count(_ reference: String, depth: Int) throws -> CountReport {
        do {
            return CountReport(stateDict: try Checkpoint.read(reference: reference).stateDict, depth: depth)
        } catch let e as FileError {
            guard case .unrecognized = e.underlying, let data = FileManager.default.contents(atPath: reference),
                  String(data: data, encoding: .utf8) != nil else { throw e }
            return CountReport(module: try ModelSupport.model(reference), depth: depth)
        }
    }

    static func text(_ r: CountReport) -> String {
        var t = TextTable([("", .left), ("", .right), ("", .left)])
        t.add(["parameters", Fmt.count(r.parameters), ""])
        t.add(["buffers", Fmt.count(r.buffers), r.bufferTensors == 0 ? "" : "(\(r.bufferTensors) \(r.bufferTensors == 1 ? "tensor" : "tensors"))"])
        t.add(["total", Fmt.count(r.total), "(\(r.tensors) \(r.tensors == 1 ? "tensor" : "tensors"), every key)"])
        t.add(["unique", Fmt.count(r.unique), r.unique == r.total ? "" : "(shared storage counted once)"])
        var out = [t.render(header: false)]
        if !r.byDtype.isEmpty {
            var d = TextTable([("", .left), ("", .right)])
            for (k, v) in r.byDtype { d.add(["  " + k, Fmt.count(v)]) }
            out.append("by dtype:\n" + d.render(header: false))
        }
        if !r.byPrefix.isEmpty {
            var p = TextTable([("", .left), ("", .right), ("", .left)])
            for (k, v) in r.byPrefix { p.add(["  " + k, Fmt.count(v), v == 0 ? "(shared)" : ""]) }
            out.append("parameters by prefix:\n" + p.render(header: false))
        }
        return out.joined(separator: "\n\n")
    }
}
