import CkptCore
import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// SGD, Adam, AdamW and gradient clipping against PyTorch (`Fixtures/nn_layers/optim.json`, from `Fixtures/gen/nn_layers.py`):
/// a 4-8-3 Tanh MLP trained five steps on an MSE loss.
@Suite struct OptimTests {
    static func golden(_ name: String) throws -> [String: Any] {
        let json = try Fixtures.json("nn_layers/optim.json")
        return try #require(json[name] as? [String: Any])
    }

    static func floats(_ v: Any?) throws -> [Float] { try #require(v as? [Double]).map(Float.init) }

    /// Runs five steps with `makeOptimizer` (and an optional clip before each step), checking losses, parameters
    /// and clip norms against PyTorch's; returns the optimizer.
    @discardableResult
    static func run(_ name: String, clip: (([Tensor]) throws -> Float)? = nil,
                    _ makeOptimizer: ([Tensor]) throws -> Optimizer) throws -> Optimizer {
        let g = try golden(name)
        let model = Sequential([Linear(4, 8), Tanh(), Linear(8, 3)])
        let initial = try #require(g["initial"] as? [String: Any])
        for (key, t) in model.stateDict() {
            let values = try floats(initial[key])
            try Tensor.noGrad { try t.copy_(try Tensor(values, shape: t.shape)) }
        }
        let x = try Tensor(try floats(g["input"]), shape: [5, 4])
        let y = try Tensor(try floats(g["target"]), shape: [5, 3])
        let opt = try makeOptimizer(model.parameters())
        let losses = try floats(g["losses"])
        let after = try #require(g["after"] as? [[String: Any]])
        let norms = try floats(g["norms"])
        for stepIndex in 0 ..< 5 {
            opt.zeroGrad()
            let out = try model.forward([.tensor(x)]).asTensor()
            let loss = try Tensor.mseLoss(out, y)
            try loss.backward()
            if let clip { expectClose(try clip(opt.params), norms[stepIndex], "\(name) step \(stepIndex + 1) norm") }
            try opt.step()
            expectClose(try loss.item(), losses[stepIndex], "\(name) step \(stepIndex + 1) loss")
            for (key, t) in model.stateDict() {
                let expected = try floats(after[stepIndex][key])
                let worst = zip(t.scalars, expected).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-5, "\(name) step \(stepIndex + 1) \(key): max diff \(worst)")
            }
        }
        let groupKeys = try #require(g["group_keys"] as? [String])
        let sd = try opt.stateDict()
        guard case .list(let groups)? = sd["param_groups"], case .dict(let group)? = groups.first else {
            Issue.record("no param_groups"); return opt
        }
        #expect(group.items.keys.map(\.description) == groupKeys)
        let stateKeys = try #require(g["state_keys"] as? [String])
        if case .dict(let state)? = sd["state"] {
            if stateKeys.isEmpty { #expect(state.items.isEmpty) } else {
                #expect(state.items.keys.map(\.description) == ["0", "1", "2", "3"])
                let first = try #require(state.items[.int(0)]?.dict)
                #expect(first.items.keys.map(\.description) == stateKeys)
                let expected = try #require(g["state0"] as? [String: Any])
                for key in stateKeys {
                    let entry = try #require(first[key]?.tensor)
                    let values = try Tensor(entry: entry).scalars
                    let want = try floats(expected[key])
                    #expect(values.count == want.count)
                    #expect((zip(values, want).map { abs($0 - $1) }.max() ?? 0) <= 1e-5, "\(name) state \(key)")
                }
            }
        } else {
            Issue.record("no state")
        }
        return opt
    }

    @Test func sgdWithMomentumMatchesPyTorch() throws {
        try Self.run("sgd_momentum") { try SGD($0, lr: 0.1, momentum: 0.9) }
    }

    @Test func sgdNesterovWithWeightDecayMatchesPyTorch() throws {
        try Self.run("sgd_nesterov_wd") { try SGD($0, lr: 0.05, momentum: 0.8, weightDecay: 0.01, nesterov: true) }
    }

    @Test func adamMatchesPyTorch() throws {
        try Self.run("adam") { try Adam($0, lr: 0.01) }
    }

    @Test func adamAmsgradWithWeightDecayMatchesPyTorch() throws {
        try Self.run("adam_amsgrad_wd") { try Adam($0, lr: 0.02, weightDecay: 0.1, amsgrad: true) }
    }

    @Test func adamWMatchesPyTorch() throws {
        try Self.run("adamw") { try AdamW($0, lr: 0.01) }
    }

    @Test func clipGradNormMatchesPyTorch() throws {
        try Self.run("sgd_clip_norm", clip: { try ClipGrad.clipGradNorm($0, maxNorm: 0.05) }) { try SGD($0, lr: 0.1) }
        try Self.run("sgd_clip_inf", clip: { try ClipGrad.clipGradNorm($0, maxNorm: 0.05, normType: .infinity) }) { try SGD($0, lr: 0.1) }
    }

    @Test func clipGradValueClampsEveryElement() throws {
        let p = try Tensor([1, 2], shape: [2], requiresGrad: true)
        p.grad = try Tensor([-3, 0.5], shape: [2])
        try ClipGrad.clipGradValue([p], clipValue: 1)
        #expect(p.grad?.scalars == [-1, 0.5])
    }

    @Test func invalidHyperparametersThrow() {
        #expect(throws: NNError.self) { try SGD([], lr: -1) }
        #expect(throws: NNError.self) { try SGD([], lr: 0.1, nesterov: true) }
        #expect(throws: NNError.self) { try Adam([], betas: (1.0, 0.999)) }
    }
}
