/// `torch.triu` / `torch.tril`: the upper or lower triangle of the last two dimensions, the rest zero.
extension Tensor {
    /// Elements on and above the `diagonal`-th diagonal (`TriuBackward0`).
    public func triu(diagonal: Int = 0) throws -> Tensor { try triangle(diagonal: diagonal, upper: true) }

    /// Elements on and below the `diagonal`-th diagonal (`TrilBackward0`).
    public func tril(diagonal: Int = 0) throws -> Tensor { try triangle(diagonal: diagonal, upper: false) }

    private func triangle(diagonal: Int, upper: Bool) throws -> Tensor {
        guard rank >= 2 else { throw TensorError.invalidArgument("\(upper ? "triu" : "tril"): input tensor must have at least 2 dimensions") }
        let (rows, cols) = (shape[rank - 2], shape[rank - 1])
        var values = scalars
        if rows * cols > 0 {
            for start in stride(from: 0, to: values.count, by: rows * cols) {
                for i in 0 ..< rows {
                    for j in 0 ..< cols where upper ? j - i < diagonal : j - i > diagonal { values[start + i * cols + j] = 0 }
                }
            }
        }
        return Tensor.makeResult(buffer: TensorBuffer(values), shape: shape, dtype: dtype, inputs: [self],
                                 name: upper ? .triuBackward0 : .trilBackward0) { g in [try g.triangle(diagonal: diagonal, upper: upper)] }
    }
}
