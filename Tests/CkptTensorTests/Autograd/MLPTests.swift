import CkptTestSupport
import Foundation
import Testing
@testable import CkptTensor

/// REFERENCE_MODELS.md model 1 (`Linear(4, 8) → ReLU → Linear(8, 1)`) and its autograd behaviours,
/// against `Fixtures/tensor_ops/mlp.safetensors` from PyTorch (one golden case, `mlp`).
@Suite struct MLPTests {
    struct Net {
        let w0, b0, w2, b2: Tensor
        init(_ golden: GoldenFile) throws {
            func leaf(_ k: String) throws -> Tensor {
                try #require(try golden.tensor("mlp", "param.\(k)", requiresGrad: true))
            }
            (w0, b0, w2, b2) = (try leaf("0.weight"), try leaf("0.bias"), try leaf("2.weight"), try leaf("2.bias"))
        }
        func callAsFunction(_ x: Tensor) throws -> Tensor {
            try x.linear(weight: w0, bias: b0).relu().linear(weight: w2, bias: b2)
        }
        var named: [(String, Tensor)] { [("0.weight", w0), ("0.bias", b0), ("2.weight", w2), ("2.bias", b2)] }
    }

    let golden: GoldenFile
    let args: GoldenArgs
    init() throws {
        golden = try GoldenFile("tensor_ops/mlp")
        args = try golden.args("mlp")
    }

    func input(_ key: String) throws -> Tensor { try #require(try golden.tensor("mlp", key)) }

    /// The grad_fn names along the chain (`loss`, `loss_next`, `addmm_next`).
    func chain(_ key: String) throws -> [String?] {
        try #require(try args.object("chain")[key] as? [Any]).map { $0 as? String }
    }

    @Test func forwardLossAndGradientsMatchPyTorch() throws {
        let net = try Net(golden)
        let y = try net(input("x"))
        let output = try golden.floats("mlp", "output")
        expectClose(y.scalars, output, floor: Closeness.scale(output), "output")
        #expect(y.shape == (try golden.shape("mlp", "output")))
        #expect(net.w2.grad == nil)
        let loss = try Tensor.mseLoss(y, input("target"))
        #expect(Swift.abs(Double(try loss.item()) - (try args.double("loss"))) <= 1e-6)
        try loss.backward()
        for (k, p) in net.named {
            let g = try #require(p.grad, "\(k) has no grad")
            let want = try golden.floats("mlp", "grad.\(k)")
            expectClose(g.scalars, want, floor: Closeness.scale(want), "\(k)")
            #expect(g.shape == (try golden.shape("mlp", "grad.\(k)")), "\(k)")
        }
    }

    @Test func gradFnChainNamesMatchPyTorch() throws {
        let net = try Net(golden)
        let loss = try Tensor.mseLoss(net(input("x")), input("target"))
        let fn = try #require(loss.gradFn)
        #expect(fn.name == (try args.object("chain").string("loss")))
        #expect(fn.nextFunctions.map { $0.0?.name } == (try chain("loss_next")))
        let addmm = try #require(fn.nextFunctions[0].0)
        #expect(addmm.nextFunctions.map { $0.0?.name } == (try chain("addmm_next")))
        #expect(addmm.nextFunctions.map(\.1) == [0, 0, 0])
        // The TBackward0 leads to the weight's AccumulateGrad, which points back at the parameter.
        let t = try #require(addmm.nextFunctions[2].0)
        #expect((t.nextFunctions.first?.0 as? AccumulateGrad)?.variable === net.w2)
        #expect((addmm.nextFunctions[0].0 as? AccumulateGrad)?.variable === net.b2)
    }

    @Test func twoBackwardCallsAccumulateTwice() throws {
        let net = try Net(golden)
        let x = try input("x")
        let seed = Tensor.ones([2, 1])
        try net(x).backward(gradient: seed)
        let once = net.named.map { $0.1.grad?.scalars ?? [] }
        try net(x).backward(gradient: seed)
        for ((k, p), first) in zip(net.named, once) {
            let twice = try #require(p.grad).scalars
            #expect(zip(twice, first).allSatisfy { Swift.abs($0 - 2 * $1) <= 1e-6 * Swift.max(1, Swift.abs($0)) }, "\(k)")
        }
        for (_, p) in net.named { p.zeroGrad() }
        #expect(net.named.allSatisfy { $0.1.grad == nil })
    }
}
