/// `torch.nn.functional` helpers that are compositions of ops: dropout, cosine similarity.
extension Tensor {
    /// Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` when `training`
    /// (`MulBackward0` with the mask as a constant); returns `self` unchanged otherwise.
    public func dropout(p: Float = 0.5, training: Bool = true, generator: Generator = .default) throws -> Tensor {
        guard p >= 0, p <= 1 else { throw TensorError.invalidArgument("dropout probability has to be between 0 and 1, but got \(p)") }
        guard training, p > 0 else { return self }
        let mask = Tensor.zeros(shape)
        generator.fillUniform(mask.buffer.pointer, count: numel)
        let scale: Float = p == 1 ? 0 : 1 / (1 - p)
        for i in 0 ..< numel { mask.buffer.pointer[i] = mask.buffer.pointer[i] < p ? 0 : scale }
        return try self * mask
    }

    /// `x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps))` along `dim` after broadcasting (`SumBackward1`),
    /// computed as PyTorch 2.x does: each input divided by its clamped norm, then multiplied and summed.
    public static func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Float = 1e-8) throws -> Tensor {
        let shape = try Broadcast.shape(x1.shape, x2.shape)
        let a = try x1.expand(shape), b = try x2.expand(shape)
        let d = try normalizeDim(dim, rank: shape.count)
        let na = try a.square().sum(dim: d, keepdim: true).sqrt().clamp(min: eps)
        let nb = try b.square().sum(dim: d, keepdim: true).sqrt().clamp(min: eps)
        return try ((a / na) * (b / nb)).sum(dim: d)
    }
}
