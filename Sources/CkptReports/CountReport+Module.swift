import CkptCore
import CkptNN

extension CountReport {
    /// Exact counts for a model: parameters as `model.parameters()` yields them (each tensor once), buffers as
    /// `model.buffers()`, `total` every state_dict key, `unique` with tied tensors once.
    public init(module: Module, depth: Int = 1) {
        parameters = 0; buffers = 0; total = 0; unique = 0; tensors = 0; bufferTensors = 0
        byDtype = [:]; byPrefix = [:]
        let parameterIDs = Set(module.parameters().map(ObjectIdentifier.init))
        var seen = Set<ObjectIdentifier>()
        for (key, t) in module.stateDict() {
            let isBuffer = !parameterIDs.contains(ObjectIdentifier(t))
            tensors += 1
            total += t.numel
            if isBuffer { bufferTensors += 1 }
            let prefix = CountReport.prefix(of: key, depth: depth)
            if !isBuffer, byPrefix[prefix] == nil { byPrefix[prefix] = 0 }
            guard seen.insert(ObjectIdentifier(t)).inserted else { continue }
            unique += t.numel
            byDtype[t.dtype.rawValue, default: 0] += t.numel
            if isBuffer { buffers += t.numel } else { parameters += t.numel; byPrefix[prefix, default: 0] += t.numel }
        }
    }
}
