import CkptCore
import CkptTensor
import OrderedCollections

extension Optimizer {
    /// `optimizer.load_state_dict(state_dict)`: checks the saved dict has one param group listing as many
    /// parameters as this optimizer (PyTorch's two checks, with the counts), maps the saved parameter ids to
    /// ours in order, restores each parameter's state (state tensors cast to float32 as PyTorch casts them to the
    /// parameter's dtype; `step` kept; a parameter without state stays without) and replaces the hyperparameters
    /// with the saved group's. Also refuses what PyTorch would only trip over at the next `step()`: state for an
    /// id the group does not list, and state tensors whose shape differs from their parameter's.
    /// Nothing changes when it throws.
    public func loadStateDict(_ dict: CheckpointDict) throws {
        guard case .list(let groups)? = dict["param_groups"] else {
            throw NNError.loadFailed("loaded optimizer state has no 'param_groups' list (it holds \(Self.keyList(dict)))")
        }
        guard case .dict(let saved)? = dict["state"] else {
            throw NNError.loadFailed("loaded optimizer state has no 'state' dict (it holds \(Self.keyList(dict)))")
        }
        guard groups.count == 1 else {
            throw NNError.loadFailed("loaded state dict has a different number of parameter groups: \(groups.count) saved, this optimizer has 1")
        }
        guard case .dict(let group) = groups[0] else {
            throw NNError.loadFailed("loaded optimizer state's param_groups[0] is \(groups[0].pythonTypeName), not a dict")
        }
        guard case .list(let ids)? = group["params"] else {
            throw NNError.loadFailed("loaded optimizer state's param_groups[0] has no 'params' list")
        }
        guard ids.count == params.count else {
            throw NNError.loadFailed("loaded state dict contains a parameter group that doesn't match the size of optimizer's group: "
                + "\(ids.count) parameters saved, this optimizer has \(params.count)")
        }
        var index: [Int: Int] = [:]
        for (i, id) in ids.enumerated() {
            guard case .int(let n) = id else {
                throw NNError.loadFailed("loaded optimizer state's param_groups[0]['params'][\(i)] is \(id.pythonTypeName), expected an int id")
            }
            guard index.updateValue(i, forKey: n) == nil else {
                throw NNError.loadFailed("loaded optimizer state's param_groups[0]['params'] lists id \(n) twice")
            }
        }
        var loaded: [Int: OrderedDictionary<String, Tensor>] = [:]
        for (key, value) in saved.items {
            guard case .int(let id) = key, let i = index[id] else {
                throw NNError.loadFailed("loaded optimizer state has state for parameter id \(key), which param_groups[0]['params'] does not list")
            }
            guard case .dict(let entries) = value else {
                throw NNError.loadFailed("loaded optimizer state's state[\(id)] is \(value.pythonTypeName), not a dict")
            }
            let parameterState = try parameterState(entries, id: id, index: i)
            if !parameterState.isEmpty { loaded[i] = parameterState }
        }
        try loadParamGroup(ParamGroup(group))
        let used = Set(hyperparameters.map(\.0))
        otherGroupEntries = group.items.filter { key, _ in !(key == .string("params") || used.contains(key.description)) }
        state = loaded
    }

    /// One parameter's saved state as tensors: float32, the parameter's shape (`step` a 0-dim tensor, also from
    /// the plain number older PyTorch saved); a `None` entry (an old SGD's unset `momentum_buffer`) is left out.
    private func parameterState(_ entries: CheckpointDict, id: Int, index: Int) throws -> OrderedDictionary<String, Tensor> {
        let parameter = params[index]
        var out: OrderedDictionary<String, Tensor> = [:]
        for (key, value) in entries.items {
            guard case .string(let name) = key else {
                throw NNError.loadFailed("loaded optimizer state's state[\(id)] has a non-string key \(key)")
            }
            let path = "state[\(id)]['\(name)']"
            switch value {
            case .none:
                continue
            case .int(let n) where name == "step":
                out[name] = try Tensor([Float(n)], shape: [])
            case .float(let d) where name == "step":
                out[name] = try Tensor([Float(d)], shape: [])
            case .tensor(let entry):
                let t: Tensor
                do { t = try Tensor(entry: entry) } catch {
                    throw NNError.loadFailed("loaded optimizer state's \(path): \(error)")
                }
                if name == "step" {
                    guard t.numel == 1 else { throw NNError.loadFailed("loaded optimizer state's \(path) has shape \(t.shape), expected one value") }
                    out[name] = t
                } else {
                    guard t.shape == parameter.shape else {
                        throw NNError.loadFailed("loaded optimizer state's \(path) has shape \(t.shape), but the parameter it maps to (number \(index)) has shape \(parameter.shape)")
                    }
                    out[name] = t.dtype == .float32 ? t : try Tensor(t.scalars, shape: t.shape)
                }
            default:
                throw NNError.loadFailed("loaded optimizer state's \(path) is \(value.pythonTypeName), expected a tensor")
            }
        }
        return out
    }

    private static func keyList(_ dict: CheckpointDict) -> String {
        dict.items.isEmpty ? "nothing" : dict.items.keys.map { "'\($0)'" }.joined(separator: ", ")
    }
}
