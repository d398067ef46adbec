import Testing
@testable import CkptTensor

@Suite struct InPlaceTests {
    @Test func sgdAndAdamStyleUpdates() throws {
        let w = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        let g = try Tensor([0.5, -1, 2], shape: [3])
        #expect(throws: TensorError.self) { try w.add_(g, alpha: -0.1) }
        try Tensor.noGrad {
            try w.add_(g, alpha: -0.1)
            #expect(w.scalars == [0.95, 2.1, 2.8])
            let m = Tensor.zeros([3]), v = Tensor.ones([3])
            try m.mul_(0.9)
            try m.add_(g, alpha: 0.1)
            try v.addcmul_(g, g, value: 0.5)
            #expect(m.scalars == [0.05, -0.1, 0.2])
            #expect(v.scalars == [1.125, 1.5, 3])
            try w.addcdiv_(m, v, value: -1)
            let a: Float = 0.95 - 0.05 / 1.125, b: Float = 2.1 + 0.1 / 1.5, c: Float = 2.8 - 0.2 / 3
            let expected: [Float] = [a, b, c]
            #expect(zip(w.scalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
            try w.copy_(Tensor(scalar: 7))
            #expect(w.scalars == [7, 7, 7])
            try w.clamp_(max: 5)
            #expect(w.scalars == [5, 5, 5])
            try w.zero_()
            #expect(w.scalars == [0, 0, 0])
            #expect(throws: TensorError.self) { try w.add_(Tensor.ones([2])) }
            #expect(throws: TensorError.self) { try Tensor.ones([1]).mul_(Tensor.ones([3])) }
        }
        #expect(w.isLeaf && w.requiresGrad)
    }
}
