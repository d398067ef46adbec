import Testing
@testable import CkptTensor

/// Bad shapes, indices and arguments throw a one-line `TensorError`; nothing traps.
@Suite struct TensorErrorTests {
    let x: Tensor
    init() throws { x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]) }

    @Test func shapeErrorsThrow() throws {
        #expect(throws: TensorError.self) { try x.reshape([4, -1]) }
        #expect(throws: TensorError.self) { try x.reshape([-1, -1]) }
        #expect(throws: TensorError.self) { try x.mm(Tensor.ones([2, 2])) }
        #expect(throws: TensorError.self) { try x.matmul(Tensor(scalar: 1)) }
        #expect(throws: TensorError.self) { try x.linear(weight: Tensor.ones([4, 2])) }
        #expect(throws: TensorError.self) { try Tensor.cat([x, Tensor.ones([2, 2])], dim: 0) }
        #expect(throws: TensorError.self) { try Tensor.stack([x, Tensor.ones([3, 2])]) }
        #expect(throws: TensorError.self) { try x.expand([3, 3]) }
        #expect(throws: TensorError.self) { try x.permute([0, 0]) }
        #expect(throws: TensorError.self) { try x.split(sizes: [1, 1], dim: 1) }
        #expect(throws: TensorError.self) { try Tensor.mseLoss(x, Tensor.ones([3, 2])) }
    }

    @Test func dimAndIndexErrorsThrow() throws {
        #expect(throws: TensorError.self) { try x.sum(dim: 2) }
        #expect(throws: TensorError.self) { try x.softmax(dim: -3) }
        #expect(throws: TensorError.self) { try x[2] }
        #expect(throws: TensorError.self) { try x[0, 0, 0] }
        #expect(throws: TensorError.self) { try x[.slice(0, 2, step: 0)] }
        #expect(throws: TensorError.self) { try x.narrow(dim: 1, start: 2, length: 2) }
        #expect(throws: TensorError.self) { try x.gather(dim: 1, index: Tensor(indices: [0, 3], shape: [2, 1])) }
        #expect(throws: TensorError.self) { try x.indexSelect(dim: 0, index: Tensor(indices: [-3], shape: [1])) }
        #expect(throws: TensorError.self) { try x.indexSelect(dim: 0, index: Tensor([0.5], shape: [1])) }
        #expect(throws: TensorError.self) { try Tensor.embedding(Tensor(indices: [10], shape: [1]), weight: Tensor.ones([10, 3])) }
        #expect(throws: TensorError.self) { try Tensor.nllLoss(x, Tensor(indices: [0, 3], shape: [2])) }
        #expect(throws: TensorError.self) { try Tensor.crossEntropy(x, Tensor(indices: [0, 1, 2], shape: [3])) }
        #expect(throws: TensorError.self) { try x.max(dim: 0, keepdim: false).values.max(dim: 1) }
        #expect(throws: TensorError.self) { try Tensor.zeros([0]).max() }
        #expect(throws: TensorError.self) { try x.dropout(p: 1.5) }
        #expect(throws: TensorError.self) { try Tensor.binaryCrossEntropy(x, x) }
    }

    @Test func hugeResultsThrowInsteadOfAllocating() throws {
        let column = Tensor.zeros([1 << 16, 1]), row = Tensor.zeros([1, 1 << 15])
        #expect(throws: TensorError.self) { try column + row }
        #expect(throws: TensorError.self) { try column.expand([1 << 16, 1 << 15]) }
        #expect(throws: TensorError.self) { try x.reshape([Int.max, 2, -1]) }
        #expect(throws: TensorError.self) { try Tensor([1], shape: [Int.max, 4]) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1e30, step: 1e-3) }
        #expect(throws: TensorError.self) { try Tensor.filled([1 << 20, 1 << 20], 0) }
        #expect(throws: TensorError.self) { try Tensor.filled([-1], 0) }
        #expect(throws: TensorError.self) { try Tensor.ones([1 << 16, 1, 1]).matmul(Tensor.ones([1, 1 << 16])) }
    }

    @Test func errorsDescribeThemselvesInOneLine() throws {
        do {
            _ = try x + Tensor.ones([4])
            Issue.record("broadcast of [2, 3] and [4] did not throw")
        } catch let e as TensorError {
            #expect(e.description == "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1")
        }
    }

    @Test func indexingFollowsPythonRules() throws {
        #expect(try x[.all, -1].scalars == [3, 6])
        #expect(try x[-1].scalars == [4, 5, 6])
        #expect(try x[.all, .slice(nil, nil, step: 2)].scalars == [1, 3, 4, 6])
        #expect(try x[.ellipsis, 1].shape == [2])
        #expect(try x[.newAxis].shape == [1, 2, 3])
        #expect(try x[.slice(5, 9)].shape == [0, 3])
        let w = Tensor.zeros([2, 2])
        try w.assign([0, 0], 42)
        try w.assign([1], Tensor([7, 8]))
        #expect(w.scalars == [42, 0, 7, 8])
        let p = Tensor.zeros([2], requiresGrad: true)
        #expect(throws: TensorError.self) { try p.assign([0], 1) }
        try Tensor.noGrad { try p.assign([0], 1) }
        #expect(p.scalars == [1, 0])
    }

    @Test func nanPropagatesThroughMaxAndClamp() throws {
        let t = try Tensor([1, .nan, 3], shape: [3])
        #expect(try t.max().item().isNaN)
        #expect(try t.max(dim: 0).values.item().isNaN)
        #expect(t.clamp(min: 0, max: 2).scalars[1].isNaN)
    }
}
