import CkptReports

/// Text rendering of a `ModelSummary`: `print(model)`, a table of modules with their own parameters (and output
/// shapes after a forward pass), the totals.
enum SummaryText {
    static func render(_ s: ModelSummary) -> String {
        var table = TextTable([("layer", .left), ("type", .left), ("parameters", .right)] + (s.ranForward ? [("output shape", .left)] : []))
        for layer in s.layers {
            var row = [layer.name.isEmpty ? "(root)" : layer.name, layer.type, Fmt.count(layer.parameters)]
            if s.ranForward { row.append(layer.outputShapes?.map { "\($0)" }.joined(separator: ", ") ?? "") }
            table.add(row)
        }
        return [s.repr, "", table.render(), "",
                "parameters  \(Fmt.count(s.parameters)) (trainable \(Fmt.count(s.trainable)))",
                "buffers     \(Fmt.count(s.buffers))"].joined(separator: "\n")
    }
}
