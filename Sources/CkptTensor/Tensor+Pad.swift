import CkptCore

/// `F.pad` recorded for autograd: `ConstantPadNdBackward0`, `ReflectionPad{1,2,3}DBackward0`,
/// `ReplicationPad{1,2,3}DBackward0`, and `CopySlices` for circular (PyTorch builds it from slice copies).
extension Tensor {
    /// Pads the last `pad.count / 2` dims; `pad` lists `(before, after)` for the last dim first, as PyTorch.
    /// Negative amounts crop. Non-constant modes need 1 or 2 leading (batch, channel) dims.
    public func pad(_ pad: [Int], mode: PadMode = .constant, value: Float = 0) throws -> Tensor {
        guard dtype == .float32 else { throw TensorError.dtype("pad expects a float input, got \(dtype)") }
        let k = pad.count / 2
        if mode != .constant, !(k + 1...k + 2).contains(rank) {
            throw TensorError.shapeMismatch("\(mode.rawValue) padding of \(k) dims expects a \(k + 1)D or \(k + 2)D input, got \(shape)")
        }
        let geo = try kernelCall { try PadGeometry(shape: shape, pad: pad, mode: mode) }
        let out = TensorBuffer(uninitializedCount: geo.outputCount)
        PadKernel.forward(geo, value: value, input: buffer.pointer, output: out.pointer)
        let name: GradFnName
        switch mode {
        case .constant: name = .constantPadNdBackward0
        case .reflect: name = .reflectionPad(dims: k)
        case .replicate: name = .replicationPad(dims: k)
        case .circular: name = .copySlices
        }
        let inputShape = shape
        return Tensor.makeResult(buffer: out, shape: Array(shape.dropLast(k)) + geo.outputSize, inputs: [self],
                                 name: name) { g in
            let gx = TensorBuffer(uninitializedCount: geo.inputCount)
            PadKernel.backward(geo, gradOutput: g.buffer.pointer, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }
}
