import Testing
@testable import CkptTensor

@Suite struct RandomTests {
    @Test func sameSeedSameNumbers() {
        let a = Tensor.randn([100], generator: Generator(seed: 42))
        let b = Tensor.randn([100], generator: Generator(seed: 42))
        let c = Tensor.randn([100], generator: Generator(seed: 43))
        #expect(a.scalars == b.scalars)
        #expect(a.scalars != c.scalars)
        let g = Generator(seed: 7)
        let first = Tensor.rand([5], generator: g).scalars
        g.manualSeed(7)
        #expect(Tensor.rand([5], generator: g).scalars == first)
    }

    @Test func distributionsHaveTheRightMoments() throws {
        let g = Generator(seed: 1)
        let n = Tensor.normal([20000], mean: 2, std: 3, generator: g)
        #expect(Swift.abs(try n.mean().item() - 2) < 0.1)
        #expect(Swift.abs(try n.std().item() - 3) < 0.1)
        let u = Tensor.uniform([20000], low: -10, high: 10, generator: g)
        #expect(u.scalars.allSatisfy { $0 >= -10 && $0 < 10 })
        #expect(Swift.abs(try u.mean().item()) < 0.2)
        let r = try Tensor.randint(3, 7, [1000], generator: g)
        #expect(Set(r.indices) == [3, 4, 5, 6])
        #expect(r.dtype == .int64)
    }

    @Test func dropoutZeroesAndRescalesAndIsIdentityInEval() throws {
        let x = Tensor.ones([10000], requiresGrad: true)
        let y = try x.dropout(p: 0.25, generator: Generator(seed: 3))
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(zeros > 2200 && zeros < 2800)
        #expect(y.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 4 / 3) < 1e-6 })
        #expect(y.gradFn?.name == "MulBackward0")
        try y.sum().backward()
        #expect(try #require(x.grad).scalars == y.scalars)
        #expect(try x.dropout(p: 0.25, training: false) === x)
        #expect(try x.dropout(p: 1).scalars.allSatisfy { $0 == 0 })
    }
}
