import Testing
@testable import CkptTensor

/// Hostile sizes (from a model file) for conv, pad, interpolate and pool geometry are refused before any allocation.
@Suite struct GeometryLimitsTests {
    @Test func hugeSizesThrowInsteadOfAllocating() {
        let huge = 1 << 40
        #expect(throws: KernelError.self) {
            try ConvGeometry(batch: 1, inChannels: 1, outChannels: 1, inputSize: [4, 4], kernelSize: [1, 1],
                             padding: .explicit([huge, huge]))
        }
        #expect(throws: KernelError.self) {
            try ConvGeometry.transposed(batch: 1, inChannels: 1, outChannels: 1, inputSize: [4, 4], kernelSize: [1, 1],
                                        stride: [huge, huge])
        }
        #expect(throws: KernelError.self) { try PadGeometry(shape: [1, 1, 4], pad: [huge, 0], mode: .constant) }
        #expect(throws: KernelError.self) {
            try PadGeometry(shape: [0, 1 << 31, 1 << 31], pad: [1, 1], mode: .constant)
        }
        #expect(throws: KernelError.self) {
            try InterpolateGeometry(planes: 1, inputSize: [4, 4], size: [1 << 20, 1 << 20], mode: .nearest)
        }
        #expect(throws: KernelError.self) {
            try InterpolateGeometry(planes: 1, inputSize: [4], scaleFactor: [1e300], mode: .nearest)
        }
        #expect(throws: KernelError.self) { try PoolGeometry(planes: 1, inputSize: [4], kernelSize: [huge]) }
        #expect(throws: TensorError.self) {
            try Tensor.ones([1, 1, 2, 2]).adaptiveAvgPool2d(outputSize: [1 << 20, 1 << 20])
        }
        #expect(throws: TensorError.self) {
            try Tensor.ones([1, 1, 2, 2]).maxUnpool2d(indices: Tensor.zeros([1, 1, 2, 2], dtype: .int64),
                                                      kernelSize: [2], outputSize: [huge, huge])
        }
    }
}
