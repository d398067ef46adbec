import Testing
@testable import CkptTensor

/// `print(t)` as PyTorch prints it, and `allclose`.
@Suite struct DescriptionTests {
    @Test func printsLikePyTorch() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        #expect(x.description == "tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], requires_grad=True)")
        #expect(try (x + x)[0].description == "tensor([2.0000, 4.0000], grad_fn=<SelectBackward0>)")
        #expect(try Tensor(indices: [3, 1], shape: [2]).description == "tensor([3, 1])")
        #expect(x.gt(2).description.hasPrefix("tensor([[False, False],"))
        #expect(try Tensor.arange(0, 10).description == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])")
        #expect(try Tensor.arange(0, 2000).description == "tensor([0, 1, 2, ..., 1997, 1998, 1999])")
    }

    @Test func allCloseUsesBothTolerances() throws {
        let a = try Tensor([1, 2, .nan], shape: [3])
        #expect(a.allClose(try Tensor([1.000001, 2, .nan], shape: [3])))
        #expect(!a.allClose(try Tensor([1.1, 2, .nan], shape: [3])))
        #expect(!a.allClose(try Tensor([1, 2, 3], shape: [3])))
        #expect(!a.allClose(Tensor.ones([1])))
    }
}
