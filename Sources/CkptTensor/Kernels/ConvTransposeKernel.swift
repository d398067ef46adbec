/// Transposed convolution (`conv_transpose{1,2,3}d`): the input-gradient of the forward convolution
/// described by `ConvGeometry.transposed(...)`. In that geometry `outputSize`/`outChannels` describe the
/// transposed conv's *input* and `inputSize`/`inChannels` its *output*; the weight
/// `[inChannels_T, outChannels_T / groups, kernel…]` has exactly the forward conv's layout.
enum ConvTransposeKernel {
    /// `output` (`g.inputCount` elements) from `input` (`g.outputCount` elements).
    static func forward<T: KernelScalar>(_ g: ConvGeometry, input: UnsafePointer<T>,
                                         weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                         output: UnsafeMutablePointer<T>) {
        ConvKernel.backward(g, input: nil, weight: weight, gradOutput: input, gradInput: output,
                            gradWeight: nil, gradBias: nil)
        guard let bias else { return }
        let plane = g.inputPlane
        for n in 0..<g.batch {
            for c in 0..<g.inChannels {
                let p = output + (n * g.inChannels + c) * plane
                let b = bias[c]
                for i in 0..<plane { p[i] += b }
            }
        }
    }

    /// Gradients of `forward`; each non-nil destination is overwritten.
    static func backward<T: KernelScalar>(_ g: ConvGeometry, input: UnsafePointer<T>?,
                                          weight: UnsafePointer<T>?, gradOutput: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>?,
                                          gradWeight: UnsafeMutablePointer<T>?,
                                          gradBias: UnsafeMutablePointer<T>?) {
        if let gradInput, let weight {
            ConvKernel.forward(g, input: gradOutput, weight: weight, bias: nil, output: gradInput)
        }
        if let gradWeight {
            if let input {
                ConvKernel.backward(g, input: gradOutput, weight: nil, gradOutput: input, gradInput: nil,
                                    gradWeight: gradWeight, gradBias: nil)
            } else {
                gradWeight.update(repeating: 0, count: g.weightCount)
            }
        }
        if let gradBias {
            ConvKernel.biasGradient(batch: g.batch, channels: g.inChannels, plane: g.inputPlane, gradOutput: gradOutput, gradBias: gradBias)
        }
    }
}
