import ArgumentParser
import CkptCore
import CkptFormats
import CkptModel
import CkptNN
import CkptReports
import Foundation
import OrderedCollections

/// `ckpt count CHECKPOINT`: parameter counts as `sum(p.numel() for p in model.parameters())` gives them.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count parameters and buffers: shared storage once, by dtype and by module prefix.",
        discussion: """
            Given a model file, parameters and buffers are the model's own. From a checkpoint alone, buffers are \
            tensors named running_mean, running_var or num_batches_tracked and every non-floating tensor \
            (position_ids). Reads metadata only.
            """)

    @Argument(help: "The checkpoint file, FILE#ENTRY, or a model file.")
    var checkpoint: String

    @Option(name: .long, help: "Module prefixes of this many components in 'by prefix' (default 1).")
    var depth: Int = 1

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if depth < 1 { throw ValidationError("--depth must be at least 1") }
    }

    func run() throws {
        try CLI.guarded {
            let report: CountReport
            do {
                report = CountReport(stateDict: try Checkpoint.read(reference: checkpoint).stateDict, depth: depth)
            } catch let e as FileError where e.underlying.isUnrecognized {
                // Not a checkpoint: a model file (text) is counted exactly; anything else keeps the format error.
                guard Self.isText(e.path) else { throw e }
                let module = try ModelSupport.model(e.path, initialized: false)
                var counted = CountReport(module: module, depth: depth)
                counted.notes = Self.opaqueNote(module).map { [$0] } ?? []
                report = counted
            }
            if output.json {
                try CLI.printJSON(report)
            } else {
                print(Self.text(report))
            }
        }
    }

    /// True when the file's first bytes are UTF-8 text without NULs (a model file, not a binary checkpoint).
    static func isText(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = h.readData(ofLength: 4096)
        return !head.isEmpty && !head.contains(0) && String(data: head, encoding: .utf8) != nil
    }

    /// A note when the model has modules of classes ckpt does not implement: printed without sizes, they count as
    /// parameter-free, which is wrong for those that hold weights (`T5LayerNorm()`).
    static func opaqueNote(_ module: Module) -> String? {
        var classes: OrderedDictionary<String, Int> = [:]
        for (_, m) in module.namedModules() where m is OpaqueModule { classes[m.typeName, default: 0] += 1 }
        guard !classes.isEmpty else { return nil }
        let list = classes.map { $0.value == 1 ? $0.key : "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "\(classes.values.reduce(0, +)) module(s) of classes ckpt does not implement (\(list)) are counted as parameter-free; "
            + "if they hold weights, give them their Parameter lines in the model file (`(weight): Parameter(512)`), or the count is low"
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
        out += r.notes.map { "note: " + $0 }
        return out.joined(separator: "\n\n")
    }
}
