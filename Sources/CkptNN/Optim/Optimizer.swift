import CkptCore
import CkptTensor
import OrderedCollections

/// The base of `torch.optim` optimizers: one parameter group, per-parameter state tensors, `step()`,
/// `zeroGrad()`, and `stateDict()` / `loadStateDict(_:)` in PyTorch's layout
/// (`{'state': {0: {...}}, 'param_groups': [{..., 'params': [0, 1]}]}`).
open class Optimizer {
    /// The parameters, in the order given (their index is their key in `state`).
    public let params: [Tensor]
    /// Per-parameter state (`momentum_buffer`, `step`, `exp_avg`, …) by parameter index, in PyTorch's key order.
    public internal(set) var state: [Int: OrderedDictionary<String, Tensor>] = [:]
    /// Entries of a loaded param group that this optimizer does not use (an LR scheduler's `initial_lr`,
    /// `param_names`): kept and written back by `stateDict()`, as PyTorch keeps the whole loaded group.
    public internal(set) var otherGroupEntries: OrderedDictionary<CheckpointDict.Key, CheckpointValue> = [:]

    public init(_ params: [Tensor]) { self.params = params }

    /// One update of every parameter that has a gradient.
    open func step() throws {
        throw NNError.notImplemented("\(type(of: self)).step() is not implemented")
    }

    /// The param group's hyperparameters, in PyTorch's key order (without `params`).
    open var hyperparameters: [(String, CheckpointValue)] { [] }

    /// Replaces the hyperparameters with a loaded group's (`load_state_dict` replaces the whole group). Reads
    /// every value before assigning any, so a failure leaves the optimizer as it was.
    open func loadParamGroup(_ group: ParamGroup) throws {
        throw NNError.notImplemented("\(type(of: self)) cannot load a param group")
    }

    /// Clears every parameter's gradient (`zero_grad(set_to_none=True)`).
    public func zeroGrad() { for p in params { p.grad = nil } }

    /// `optimizer.state_dict()`: state keyed by parameter index, then one param group listing the indices.
    public func stateDict() throws -> CheckpointDict {
        var stateItems: OrderedDictionary<CheckpointDict.Key, CheckpointValue> = [:]
        for index in state.keys.sorted() {
            var entry = CheckpointDict(isOrdered: false)
            for (name, t) in state[index] ?? [:] { entry[name] = .tensor(try t.entry(key: "state.\(index).\(name)")) }
            stateItems[.int(index)] = .dict(entry)
        }
        var group = CheckpointDict(isOrdered: false)
        for (name, value) in hyperparameters { group[name] = value }
        for (key, value) in otherGroupEntries { group.items[key] = value }
        group["params"] = .list(params.indices.map { .int($0) })
        var result = CheckpointDict(isOrdered: false)
        result["state"] = .dict(CheckpointDict(items: stateItems, isOrdered: false))
        result["param_groups"] = .list([.dict(group)])
        return result
    }

    /// Parameters with a gradient, with their index, values and gradient values.
    func withGradients(_ body: (Int, Tensor, inout [Float], [Float]) throws -> Void) throws {
        for (i, p) in params.enumerated() {
            guard let g = p.grad else { continue }
            guard g.shape == p.shape else {
                throw NNError.invalidArgument("parameter \(i): grad shape \(g.shape) differs from parameter shape \(p.shape)")
            }
            var values = p.scalars
            try body(i, p, &values, g.scalars)
            let updated = try Tensor(values, shape: p.shape)
            try Tensor.noGrad { try p.copy_(updated) }
        }
    }

    /// The state tensor `name` of parameter `index` as floats (zeros of `count` if absent).
    func stateValues(_ index: Int, _ name: String, count: Int) -> [Float] {
        state[index]?[name]?.scalars ?? [Float](repeating: 0, count: count)
    }

    /// Stores `values` as the state tensor `name` of parameter `index`.
    func setState(_ index: Int, _ name: String, _ values: [Float], shape: [Int]) throws {
        state[index, default: [:]][name] = try Tensor(values, shape: shape)
    }
}
