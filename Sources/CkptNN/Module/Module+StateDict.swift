import CkptCore
import CkptTensor
import OrderedCollections

extension Module {
    /// PyTorch's `state_dict()`: own parameters, own persistent buffers, then each child's, with dotted keys.
    /// A tied parameter or shared module appears under every name, as in PyTorch.
    public func stateDict(prefix: String = "") -> OrderedDictionary<String, Tensor> {
        var result: OrderedDictionary<String, Tensor> = [:]
        func visit(_ m: Module, _ p: String) {
            for (name, t) in m.parameterSlots { if let t { result[p + name] = t } }
            for (name, t) in m.bufferSlots where !m.nonPersistentBuffers.contains(name) { if let t { result[p + name] = t } }
            for (name, child) in m.namedChildren() { visit(child, p + name + ".") }
        }
        visit(self, prefix)
        return result
    }

    /// The state dict as checkpoint entries (`dtype` per key when given, else float32 / the buffer's kind),
    /// detached as `state_dict()` returns them: `torch.load` gives tensors with `requires_grad=False`.
    public func stateDictEntries(dtypes: [String: DType] = [:]) throws -> OrderedDictionary<String, TensorEntry> {
        var result: OrderedDictionary<String, TensorEntry> = [:]
        for (key, t) in stateDict() {
            var entry = try t.entry(dtype: dtypes[key], key: key)
            entry.requiresGrad = false
            result[key] = entry
        }
        return result
    }

    /// PyTorch's `load_state_dict`: takes every matching tensor's values (ties stay tied) and collects every missing
    /// key, unexpected key and size mismatch before reporting. Nothing is loaded into a tensor whose shape differs.
    /// A float32/float16/bfloat16 tensor lying contiguous in a mapped file is used where it lies, in its dtype (see
    /// `Tensor.load(_:)`); other entries are copied, converted to float32.
    /// `progress` is called with each loaded tensor's size in bytes (as stored), for a progress bar.
    public func load(_ stateDict: OrderedDictionary<String, TensorEntry>, strict: Bool = true,
                     progress: (Int) -> Void = { _ in }) throws -> LoadReport {
        try loadReport(stateDict, strict: strict) { entry, target in
            try target.load(entry)
            progress(entry.byteCount)
        }
    }

    /// The report `load` would give, from keys and shapes alone: no tensor bytes are read or copied.
    public func loadReport(_ stateDict: OrderedDictionary<String, TensorEntry>, strict: Bool = true) throws -> LoadReport {
        try loadReport(stateDict, strict: strict) { _, _ in }
    }

    private func loadReport(_ stateDict: OrderedDictionary<String, TensorEntry>, strict: Bool,
                            copy: (TensorEntry, Tensor) throws -> Void) throws -> LoadReport {
        var report = LoadReport(strict: strict)
        let own = self.stateDict()
        for (key, target) in own {
            guard let entry = stateDict[key] else { report.missingKeys.append(key); continue }
            guard entry.shape == target.shape else {
                report.sizeMismatches.append(.init(key: key, checkpoint: entry.shape, model: target.shape))
                continue
            }
            try copy(entry, target)
            report.loaded.append(key)
        }
        report.unexpectedKeys = stateDict.keys.filter { own[$0] == nil }
        return report
    }
}
