import CkptTestSupport
import Foundation
import Testing
@testable import CkptTensor

/// REFERENCE_MODELS.md model 1 (`Linear(4, 8) → ReLU → Linear(8, 1)`) and its autograd behaviours,
/// against `Fixtures/tensor_ops/mlp.json` from PyTorch.
@Suite struct MLPTests {
    struct Record: Decodable {
        struct Chain: Decodable { let loss: String; let loss_next: [String?]; let addmm_next: [String?] }
        let x: GoldenTensor, target: GoldenTensor, output: GoldenTensor
        let loss: Double
        let chain: Chain
        let params: [String: GoldenTensor]
        let grads: [String: GoldenTensor]
    }

    struct Net {
        let w0, b0, w2, b2: Tensor
        init(_ r: Record) throws {
            func leaf(_ k: String) throws -> Tensor {
                let t = try #require(r.params[k]).tensor()
                t.requiresGrad = true
                return t
            }
            (w0, b0, w2, b2) = (try leaf("0.weight"), try leaf("0.bias"), try leaf("2.weight"), try leaf("2.bias"))
        }
        func callAsFunction(_ x: Tensor) throws -> Tensor {
            try x.linear(weight: w0, bias: b0).relu().linear(weight: w2, bias: b2)
        }
        var named: [(String, Tensor)] { [("0.weight", w0), ("0.bias", b0), ("2.weight", w2), ("2.bias", b2)] }
    }

    let record: Record
    init() throws {
        record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: Fixtures.url("tensor_ops/mlp.json")))
    }

    @Test func forwardLossAndGradientsMatchPyTorch() throws {
        let net = try Net(record)
        let y = try net(record.x.tensor())
        #expect(record.output.mismatch(y, rtol: 1e-5) == nil)
        #expect(net.w2.grad == nil)
        let loss = try Tensor.mseLoss(y, record.target.tensor())
        #expect(Swift.abs(Double(try loss.item()) - record.loss) <= 1e-6)
        try loss.backward()
        for (k, p) in net.named {
            let g = try #require(p.grad, "\(k) has no grad")
            #expect(try #require(record.grads[k]).mismatch(g, rtol: 1e-5) == nil, "\(k)")
        }
    }

    @Test func gradFnChainNamesMatchPyTorch() throws {
        let net = try Net(record)
        let loss = try Tensor.mseLoss(net(record.x.tensor()), record.target.tensor())
        let fn = try #require(loss.gradFn)
        #expect(fn.name == record.chain.loss)
        #expect(fn.nextFunctions.map { $0.0?.name } == record.chain.loss_next)
        let addmm = try #require(fn.nextFunctions[0].0)
        #expect(addmm.nextFunctions.map { $0.0?.name } == record.chain.addmm_next)
        #expect(addmm.nextFunctions.map(\.1) == [0, 0, 0])
        // The TBackward0 leads to the weight's AccumulateGrad, which points back at the parameter.
        let t = try #require(addmm.nextFunctions[2].0)
        #expect((t.nextFunctions.first?.0 as? AccumulateGrad)?.variable === net.w2)
        #expect((addmm.nextFunctions[0].0 as? AccumulateGrad)?.variable === net.b2)
    }

    @Test func twoBackwardCallsAccumulateTwice() throws {
        let net = try Net(record)
        let x = try record.x.tensor()
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
