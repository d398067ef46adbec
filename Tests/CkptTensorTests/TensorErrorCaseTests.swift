import Testing
import CkptTensor

/// Tensor errors carry their structure (dims, shapes, counts) and print PyTorch's one-line messages.
@Suite struct TensorErrorCaseTests {
    let x: Tensor

    init() throws { x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]) }

    /// Throws `expected` from `body`, and `expected` prints `message`.
    func expect(_ expected: TensorError, _ message: String, sourceLocation: SourceLocation = #_sourceLocation,
                _ body: () throws -> Void) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try body() }
        #expect(expected.description == message, sourceLocation: sourceLocation)
    }

    @Test func dimsShapesAndCountsAreStructured() {
        expect(.dimensionOutOfRange(dim: 2, rank: 2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)") {
            _ = try x.sum(dim: 2)
        }
        expect(.dimensionOutOfRange(dim: -2, rank: 0), "Dimension out of range (expected to be in range of [-1, 0], but got -2)") {
            _ = try Tensor(scalar: 1).size(-2)
        }
        expect(.broadcast(a: 3, b: 4, dim: 1), "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1") {
            _ = try x + Tensor.ones([4])
        }
        expect(.matrixShapes(mat1: [2, 3], mat2: [2, 3]), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)") {
            _ = try x.mm(x)
        }
        expect(.matrixShapes(mat1: [2, 3], mat2: [4, 5]), "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)") {
            _ = try x.linear(weight: Tensor.ones([5, 4]))
        }
        expect(.viewShape(shape: [4, -1], count: 6), "shape '[4, -1]' is invalid for input of size 6") { _ = try x.reshape([4, -1]) }
        expect(.valueCount(count: 2, shape: [3]), "2 values cannot fill shape [3]") { _ = try Tensor([1, 2], shape: [3]) }
        expect(.indexOutOfRange(index: 3, dim: 1, size: 3), "index 3 is out of bounds for dimension 1 with size 3") {
            _ = try x[.all, 3]
        }
        expect(.notAScalar(count: 6), "a Tensor with 6 elements cannot be converted to Scalar") { _ = try x.item() }
        expect(.expandedSize(target: [2, 2, 4], source: [2, 3], dim: 2),
               "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 2. Target sizes: [2, 2, 4]. Tensor sizes: [2, 3]") {
            _ = try x.expand([2, 2, 4])
        }
        expect(.invalidShape(shape: [-1]), "invalid shape [-1]: negative or overflowing dimensions") { _ = try Tensor.filled([-1], 0) }
    }

    /// The element limit is the current context's.
    @Test func theElementLimitComesFromTheContext() {
        expect(.tooManyElements(shape: [3, 4], count: 12, limit: 10), "shape [3, 4] has 12 elements, more than the 10 allowed") {
            try EngineContext.with({ $0.limits.maxOpElements = 10 }) { _ = try Tensor.filled([3, 4], 0) }
        }
    }

    /// So is the spatial kernels' limit on what an op allocates beyond its inputs: a convolution's column matrix
    /// (`in_channels · kernel taps · output pixels`) and an output grown by padding, each larger than the op limit
    /// while the input is not. Both run under the standard limits.
    @Test func spatialKernelBuffersObeyTheContextsLimit() throws {
        let image = Tensor.ones([1, 4, 8, 8]), weight = Tensor.ones([1, 4, 3, 3])
        expect(.kernel(.tooManyElements(what: "convolution column buffer", factors: [4, 3, 3, 6, 6])),
               "convolution column buffer of [4, 3, 3, 6, 6] elements is too large") {
            try EngineContext.with({ $0.limits.maxOpElements = 1000 }) { _ = try image.conv2d(weight: weight) }
        }
        #expect(try image.conv2d(weight: weight).shape == [1, 1, 6, 6])
        let pointwise = Tensor.ones([1, 1, 1, 1])
        expect(.kernel(.tooManyElements(what: "convolution output", factors: [1, 1, 41, 41])),
               "convolution output of [1, 1, 41, 41] elements is too large") {
            try EngineContext.with({ $0.limits.maxOpElements = 1000 }) {
                _ = try Tensor.ones([1, 1, 1, 1]).conv2d(weight: pointwise, padding: .explicit([20, 20]))
            }
        }
        #expect(try Tensor.ones([1, 1, 1, 1]).conv2d(weight: pointwise, padding: .explicit([20, 20])).shape == [1, 1, 41, 41])
    }

    /// Kernel setup errors keep their own structure inside `TensorError.kernel`.
    @Test func kernelErrorsKeepTheirStructure() {
        expect(.kernel(.groups(inChannels: 2, outChannels: 3, groups: 2)),
               "in_channels (2) and out_channels (3) must be divisible by groups (2)") {
            _ = try Tensor.ones([1, 2, 5, 5]).conv2d(weight: Tensor.ones([3, 1, 3, 3]), groups: 2)
        }
        expect(.kernel(.tooManyElements(what: "adaptive_avg_pool2d output", factors: [1, 1, 1 << 20, 1 << 20])),
               "adaptive_avg_pool2d output of [1, 1, 1048576, 1048576] elements is too large") {
            _ = try Tensor.ones([1, 1, 4, 4]).adaptiveAvgPool2d(outputSize: [1 << 20, 1 << 20])
        }
    }
}
