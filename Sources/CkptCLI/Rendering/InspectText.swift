import CkptReports

/// Text rendering of an `InspectReport`: the table (flat or tree), then the footer; for a file the reader
/// refused (`error`), only its format and globals.
enum InspectText {
    static func render(_ r: InspectReport, tree: Bool, stats: Bool) -> String {
        let readError = r.error
        var parts: [String] = []
        if let readError {
            parts.append("tensors: not listed (\(readError))")
        } else if r.tensors.isEmpty {
            parts.append("no tensors")
        } else if tree, let t = r.tree {
            parts.append(treeTable(t, stats: stats))
        } else {
            parts.append(flatTable(r.tensors, stats: stats))
        }
        parts.append(readError == nil ? footer(r) : "format: \(r.format)")
        if let globals = r.globals {
            parts.append(globalsText(globals, opcodes: r.refusedOpcodes ?? [], weightsOnly: r.weightsOnly ?? true, format: r.format))
        }
        return parts.joined(separator: "\n\n")
    }

    static let statColumns: [(String, TextTable.Align)] = [("MIN", .right), ("MAX", .right), ("MEAN", .right),
                                                            ("STD", .right), ("NAN", .right), ("INF", .right)]

    static func statCells(_ s: TensorStats?) -> [String] {
        guard let s else { return ["", "", "", "", "", ""] }
        return [Fmt.stat(s.min), Fmt.stat(s.max), Fmt.stat(s.mean), Fmt.stat(s.std), String(s.nan), String(s.inf)]
    }

    static func flatTable(_ rows: [InspectReport.Row], stats: Bool) -> String {
        var t = TextTable([("KEY", .left), ("DTYPE", .left), ("SHAPE", .left), ("NUMEL", .right), ("BYTES", .right),
                           ("SHARES", .left)] + (stats ? statColumns : []), optional: [5])
        for r in rows {
            t.add([r.key.isEmpty ? "(root)" : r.key, r.dtype, Fmt.shape(r.shape), Fmt.count(r.numel), Fmt.bytes(r.bytes),
                   r.sharedWith.map { "= " + $0 } ?? ""] + (stats ? statCells(r.stats) : []))
        }
        return t.render()
    }

    static func treeTable(_ tree: InspectTree, stats: Bool) -> String {
        var t = TextTable([("MODULE", .left), ("DTYPE", .left), ("SHAPE", .left), ("NUMEL", .right), ("BYTES", .right),
                           ("SHARES", .left)] + (stats ? statColumns : []), optional: [2, 5])
        for (level, node) in tree.flattened() {
            let name = String(repeating: "  ", count: level) + node.name
            if let r = node.row {
                t.add([name, r.dtype, Fmt.shape(r.shape), Fmt.count(r.numel), Fmt.bytes(r.bytes),
                       r.sharedWith.map { "= " + $0 } ?? ""] + (stats ? statCells(r.stats) : []))
            } else {
                let n = node.tensors == 1 ? "1 tensor" : "\(node.tensors) tensors"
                let shared = node.uniqueNumel == node.numel ? "" : "\(Fmt.count(node.numel - node.uniqueNumel)) shared"
                t.add([name + "/", n, "", Fmt.count(node.numel), Fmt.bytes(node.bytes), shared]
                      + (stats ? statCells(nil) : []))
            }
        }
        return t.render()
    }

    static func footer(_ r: InspectReport) -> String {
        var lines: [String] = []
        let n = r.tensors.count
        var total = "\(Fmt.count(n)) \(n == 1 ? "tensor" : "tensors"), \(Fmt.count(r.totalNumel)) elements, \(Fmt.bytes(r.totalBytes))"
        if r.uniqueNumel != r.totalNumel {
            total += " (unique: \(Fmt.count(r.uniqueNumel)) elements, \(Fmt.bytes(r.uniqueBytes)))"
        }
        lines.append(total)
        if !r.byDtype.isEmpty {
            var t = TextTable([("", .left), ("", .right), ("", .left), ("", .right), ("", .left), ("", .right)])
            for (d, v) in r.byDtype {
                t.add(["  " + d, Fmt.count(v.tensors), v.tensors == 1 ? "tensor" : "tensors", Fmt.count(v.numel),
                       "elements", Fmt.bytes(v.bytes)])
            }
            lines.append(t.render(header: false))
        }
        lines.append("format: \(r.format)")
        lines += r.warnings.map { "warning: " + $0 }
        if !r.metadata.isEmpty {
            lines.append("metadata:")
            var t = TextTable([("", .left), ("", .left)])
            for (k, v) in r.metadataText { t.add(["  " + k, clip(v)]) }
            lines.append(t.render(header: false))
        }
        return lines.joined(separator: "\n")
    }

    static func clip(_ s: String, _ n: Int = 100) -> String {
        let one = s.replacingOccurrences(of: "\n", with: " ")
        return one.count <= n ? one : String(one.prefix(n - 1)) + "…"
    }

    static func globalsText(_ globals: [InspectReport.Global], opcodes: [String], weightsOnly: Bool, format: String) -> String {
        guard ["torch-zip", "torch-legacy", "torchscript", "dcp"].contains(format) else {
            return "pickle globals: none (\(format) files hold no pickle; nothing is executed on load)"
        }
        var lines = ["pickle globals\(format == "torchscript" ? " (data.pkl)" : format == "dcp" ? " (.metadata)" : ""):"]
        for g in globals { lines.append("  \(g.allowed ? "ok     " : "REFUSED") \(g.name)") }
        for o in opcodes { lines.append("  REFUSED opcode \(o)") }
        let refused = globals.filter { !$0.allowed }.map(\.name) + opcodes.map { "opcode " + $0 }
        if format == "dcp" {
            lines.append(weightsOnly ? "every global is one ckpt's .metadata reader accepts (torch reads it with an unrestricted pickle.load)"
                         : "ckpt refuses this .metadata (\(refused.joined(separator: ", "))); torch would run it with pickle.load")
            return lines.joined(separator: "\n")
        }
        if format == "torchscript" {
            lines.append("torch.load(weights_only=True) refuses TorchScript archives; ckpt reads __torch__ classes as plain objects and never runs code/")
            return lines.joined(separator: "\n")
        }
        lines.append(weightsOnly
                     ? "torch.load(weights_only=True) would accept this file"
                     : "torch.load(weights_only=True) would refuse this file (\(refused.joined(separator: ", ")))")
        return lines.joined(separator: "\n")
    }
}
