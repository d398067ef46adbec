import CkptReports

/// Text rendering of a `CountReport`: the totals, then by dtype and by prefix, then the notes.
enum CountText {
    static func render(_ r: CountReport) -> String {
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
