import CkptReports

/// Text rendering of a `ConvertSummary`: one line saying what was written from what.
enum ConvertText {
    static func render(_ s: ConvertSummary) -> String {
        "wrote \(s.output) (\(s.format), \(s.tensors) \(s.tensors == 1 ? "tensor" : "tensors"), \(Fmt.bytes(s.bytes))) from \(s.input) (\(s.inputFormat))"
    }
}
