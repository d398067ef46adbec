import Testing
@testable import CkptTensor

@Suite struct AutogradTests {
    @Test func addBroadcastsAndReducesGradients() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], requiresGrad: true)
        let b = try Tensor([10, 20, 30], shape: [3], requiresGrad: true)
        let y = try a + b
        #expect(y.shape == [2, 3])
        #expect(y.scalars == [11, 22, 33, 14, 25, 36])
        #expect(y.gradFn?.name == "AddBackward0")
        #expect(y.gradFn?.nextFunctions.map { $0.0?.name } == ["AccumulateGrad", "AccumulateGrad"])
        try y.backward(gradient: Tensor.ones([2, 3]))
        #expect(a.grad?.scalars == [1, 1, 1, 1, 1, 1])
        #expect(b.grad?.shape == [3])
        #expect(b.grad?.scalars == [2, 2, 2])
    }

    @Test func gradientsAccumulateAcrossBackwardCalls() throws {
        let x = try Tensor([1, -2, 3], shape: [3], requiresGrad: true)
        let y = try (x * x) * 3
        try y.backward(gradient: Tensor.ones([3]), retainGraph: true)
        let once = try #require(x.grad).scalars
        #expect(once == [6, -12, 18])
        try y.backward(gradient: Tensor.ones([3]))
        #expect(try #require(x.grad).scalars == once.map { 2 * $0 })
        #expect(throws: TensorError.self) { try y.backward(gradient: Tensor.ones([3])) }
    }

    @Test func sharedSubexpressionSumsBothPaths() throws {
        let x = Tensor(scalar: 2, requiresGrad: true)
        let y = try x * x
        let z = try y + y / x
        try z.backward()
        // z = x^2 + x, dz/dx = 2x + 1
        #expect(try #require(x.grad).scalars == [5])
    }

    @Test func noGradAndDetachRecordNothing() throws {
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let y = try Tensor.noGrad { try x + x }
        #expect(y.gradFn == nil && !y.requiresGrad)
        #expect(x.detach().requiresGrad == false)
        #expect((x.detach() + 1).gradFn == nil)
        #expect(throws: TensorError.self) { try y.backward(gradient: Tensor.ones([2])) }
    }

    @Test func nonScalarNeedsSeedAndShapesMustBroadcast() throws {
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        #expect(throws: TensorError.self) { try (x * 2).backward() }
        #expect(throws: TensorError.self) { try x + Tensor.ones([3]) }
        #expect(throws: TensorError.self) { try Tensor([1, 2, 3], shape: [2]) }
    }

    @Test func deepGraphsRunAndFreeWithoutOverflowingTheStack() throws {
        // 60k nested nodes crashed with one deinit frame per node; backward is iterative too.
        let x = Tensor.ones([2], requiresGrad: true)
        var y = x
        for _ in 0 ..< 60_000 { y = y * 1.0 }
        try y.sum().backward()
        #expect(x.grad?.scalars == [1, 1])
    }

    @Test func leafKeepsOneAccumulateGradNode() throws {
        let w = Tensor.ones([2], requiresGrad: true)
        let a = w * 2, b = w + 1
        let na = try #require(a.gradFn?.nextFunctions.first?.0)
        let nb = try #require(b.gradFn?.nextFunctions.first?.0)
        #expect(na === nb)
        #expect((na as? AccumulateGrad)?.variable === w)
    }
}
