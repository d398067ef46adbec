import CkptCore
import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import OrderedCollections
import Testing

/// `Optimizer.loadStateDict` against PyTorch: a training checkpoint torch saved after 3 steps is resumed here
/// for 2 more, which must give torch's 5-step parameters and optimizer state (`Fixtures/optim_state/`).
@Suite struct OptimLoadStateDictTests {
    @Test(arguments: OptimCheckpointCase.names)
    func resumesTorchTrainingCheckpoint(_ name: String) throws {
        let c = try OptimCheckpointCase(name)
        let model = try c.model()
        let optimizer = try c.freshOptimizer(model.parameters())
        try optimizer.loadStateDict(try c.optimizerState)
        let losses = try c.train(model, optimizer, steps: 2)
        expectClose(losses, try OptimCheckpointCase.floats(c.golden["losses"]), "\(name) losses")
        let after = try #require(c.golden["after"] as? [String: Any])
        for (key, t) in model.stateDict() {
            expectClose(t.scalars, try OptimCheckpointCase.floats(after[key]), "\(name) \(key) after 5 steps")
        }
        let stateAfter = try #require(c.golden["state_after"] as? [String: [String: Any]])
        #expect(Set(optimizer.state.keys.map(String.init)) == Set(stateAfter.keys))
        for (id, entries) in stateAfter {
            let index = try #require(Int(id))
            let own = try #require(optimizer.state[index])
            #expect(Set(own.keys) == Set(entries.keys))
            for (key, want) in entries {
                expectClose(try #require(own[key]).scalars, try OptimCheckpointCase.floats(want),
                            "\(name) state[\(id)]['\(key)'] after 5 steps")
            }
        }
    }

    @Test func loadingReplacesHyperparametersWithTheSavedGroup() throws {
        let sgd = try SGD(try OptimCheckpointCase("sgd_dampening").model().parameters())
        try sgd.loadStateDict(try OptimCheckpointCase("sgd_dampening").optimizerState)
        #expect(sgd.lr == 0.05 && sgd.momentum == 0.9 && sgd.dampening == 0.5 && sgd.weightDecay == 0.01 && !sgd.nesterov)
        #expect(sgd.foreach == nil && sgd.fused == nil && !sgd.differentiable)

        let adam = try Adam(try OptimCheckpointCase("adam_amsgrad").model().parameters())
        try adam.loadStateDict(try OptimCheckpointCase("adam_amsgrad").optimizerState)
        #expect(adam.lr == 0.02 && adam.betas == (0.8, 0.99) && adam.eps == 1e-8 && adam.weightDecay == 0.1 && adam.amsgrad)
        #expect(!adam.decoupledWeightDecay)

        // As AdamW.__setstate__: an Adam group (decoupled_weight_decay False) loaded into AdamW stays decoupled.
        let adamw = try AdamW(try OptimCheckpointCase("adam").model().parameters())
        try adamw.loadStateDict(try OptimCheckpointCase("adam").optimizerState)
        #expect(adamw.decoupledWeightDecay && adamw.weightDecay == 0 && adamw.lr == 0.01)
    }

    @Test func parametersThatNeverHadAGradientHaveNoState() throws {
        let c = try OptimCheckpointCase("adam_frozen_bias")
        let model = try c.model()
        let optimizer = try c.freshOptimizer(model.parameters())
        try optimizer.loadStateDict(try c.optimizerState)
        #expect(optimizer.state.keys.sorted() == [0, 2, 3])
        #expect(optimizer.state[0]?.keys.elements == ["step", "exp_avg", "exp_avg_sq"])
        #expect(optimizer.state[0]?["step"]?.shape == [] && optimizer.state[0]?["step"]?.scalars == [3])
    }

    @Test func wrongNumberOfParametersIsRefusedAndChangesNothing() throws {
        let c = try OptimCheckpointCase("adam")
        let optimizer = try Adam(Array(try c.model().parameters().prefix(3)), lr: 0.5)
        #expect {
            try optimizer.loadStateDict(try c.optimizerState)
        } throws: { error in
            "\(error)" == "loaded state dict contains a parameter group that doesn't match the size of optimizer's group: "
                + "4 parameters saved, this optimizer has 3"
        }
        #expect(optimizer.lr == 0.5 && optimizer.state.isEmpty)
    }

    @Test func anotherOptimizersStateIsRefusedByTheKeyItLacks() throws {
        let c = try OptimCheckpointCase("sgd_nesterov")
        let adam = try Adam(try c.model().parameters())
        #expect {
            try adam.loadStateDict(try c.optimizerState)
        } throws: { error in
            "\(error)".hasPrefix("loaded optimizer state's param_groups[0] has no 'betas' (it holds lr, momentum, dampening,")
        }
        #expect(adam.state.isEmpty && adam.lr == 1e-3)
    }

    @Test func malformedStateIsRefusedWithItsPath() throws {
        let c = try OptimCheckpointCase("adam")
        let params = try c.model().parameters()
        func message(_ edit: (inout CheckpointDict) -> Void, params: [Tensor]? = nil) throws -> String {
            var dict = try c.optimizerState
            edit(&dict)
            do { try Adam(params ?? (try c.model().parameters())).loadStateDict(dict) } catch { return "\(error)" }
            return "loaded"
        }
        let group = try #require(c.optimizerState["param_groups"]?.list?.first)
        #expect(try message({ $0["param_groups"] = .list([group, group]) })
            == "loaded state dict has a different number of parameter groups: 2 saved, this optimizer has 1")
        #expect(try message({ $0["state"] = nil }) == "loaded optimizer state has no 'state' dict (it holds 'param_groups')")
        // Same count, other shapes: the parameters in reverse order.
        #expect(try message({ _ in }, params: params.reversed())
            == "loaded optimizer state's state[0]['exp_avg'] has shape [8, 4], but the parameter it maps to (number 0) has shape [3]")
        var state = try #require(c.optimizerState["state"]?.dict)
        state.items[.int(7)] = state.items[.int(0)]
        #expect(try message({ $0["state"] = .dict(state) }) == "loaded optimizer state has state for parameter id 7, which param_groups[0]['params'] does not list")
        #expect(try message({ sd in sd["param_groups"] = .list([.dict(Self.editGroup(sd) { $0["betas"] = .string("0.9") })]) })
            == "loaded optimizer state's param_groups[0]['betas'] is a str, expected a pair of numbers")
    }

    @Test func olderStateDictsLoadAsPyTorchUpgradesThem() throws {
        // Before PyTorch 1.12 Adam's `step` was a Python number, and groups lacked the later flags.
        let c = try OptimCheckpointCase("adam")
        var dict = try c.optimizerState
        var state = try #require(dict["state"]?.dict)
        for (id, value) in state.items {
            var entries = try #require(value.dict)
            entries["step"] = .int(3)
            state.items[id] = .dict(entries)
        }
        dict["state"] = .dict(state)
        dict["param_groups"] = .list([.dict(Self.editGroup(dict) { g in
            for key in ["maximize", "foreach", "capturable", "differentiable", "fused", "decoupled_weight_decay"] { g[key] = nil }
        })])
        let model = try c.model()
        let optimizer = try Adam(model.parameters())
        try optimizer.loadStateDict(dict)
        #expect(optimizer.state[0]?["step"]?.shape == [] && optimizer.state[0]?["step"]?.scalars == [3])
        _ = try c.train(model, optimizer, steps: 2)
        let want = try OptimCheckpointCase.floats((c.golden["after"] as? [String: Any])?["2.weight"])
        expectClose(try #require(model.stateDict()["2.weight"]).scalars, want, "2.weight after 5 steps")

        // An old SGD's unset momentum buffer was saved as None: no buffer, as if never set.
        let sgd = try SGD(try c.model().parameters())
        var sgdState = try OptimCheckpointCase("sgd_dampening").optimizerState
        sgdState["state"] = .dict(CheckpointDict(items: [.int(0): .dict(CheckpointDict(items: [.string("momentum_buffer"): .none]))], isOrdered: false))
        try sgd.loadStateDict(sgdState)
        #expect(sgd.state.isEmpty)
    }

    @Test func groupEntriesItDoesNotUseAreKept() throws {
        let c = try OptimCheckpointCase("adam")
        var dict = try c.optimizerState
        dict["param_groups"] = .list([.dict(Self.editGroup(dict) { $0["initial_lr"] = .float(0.01) })])
        let optimizer = try Adam(try c.model().parameters())
        try optimizer.loadStateDict(dict)
        #expect(optimizer.otherGroupEntries.keys.elements == [.string("initial_lr")])
        let group = try #require(try optimizer.stateDict()["param_groups"]?.list?.first?.dict)
        #expect(group.items.keys.suffix(2).map(\.description) == ["initial_lr", "params"])
    }

    @Test func adamRefusesToStepFromStateMissingABuffer() throws {
        let c = try OptimCheckpointCase("adam_amsgrad")
        var dict = try c.optimizerState
        var state = try #require(dict["state"]?.dict)
        var first = try #require(state.items[.int(2)]?.dict)
        first["max_exp_avg_sq"] = nil
        state.items[.int(2)] = .dict(first)
        dict["state"] = .dict(state)
        let model = try c.model()
        let optimizer = try Adam(model.parameters())
        try optimizer.loadStateDict(dict)
        let before = model.parameters().map(\.scalars)
        #expect {
            _ = try c.train(model, optimizer, steps: 1)
        } throws: { error in
            "\(error)" == "Adam: parameter 2's state has no 'max_exp_avg_sq' (it holds step, exp_avg, exp_avg_sq)"
        }
        #expect(model.parameters().map(\.scalars) == before)
    }

    static func editGroup(_ dict: CheckpointDict, _ edit: (inout CheckpointDict) -> Void) -> CheckpointDict {
        var group = dict["param_groups"]?.list?.first?.dict ?? CheckpointDict()
        edit(&group)
        return group
    }
}

extension CheckpointValue {
    var list: [CheckpointValue]? { if case .list(let xs) = self { return xs } else { return nil } }
}
