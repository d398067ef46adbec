import CkptNN
import OrderedCollections

/// Exact counts from a model: its registered parameters and buffers, as PyTorch's `parameters()` and `buffers()`.
extension CountReport {
    /// Counts `module`'s parameters (each tensor once, as `sum(p.numel() for p in model.parameters())`) and buffers.
    /// dtypes are PyTorch's defaults: float32, and int64 for `num_batches_tracked`.
    public init(module: Module, depth: Int = 1) {
        let params = module.namedParameters()
        let buffers = module.namedBuffers()
        let all = module.stateDict()
        var byDtype = OrderedDictionary<String, Int>(), byPrefix = OrderedDictionary<String, Int>()
        for (name, t) in params + buffers {
            let dtype = name.hasSuffix("num_batches_tracked") ? "int64" : "float32"
            byDtype[dtype, default: 0] += t.numel
        }
        for (name, t) in params { byPrefix[CountReport.prefix(of: name, depth: depth), default: 0] += t.numel }
        let parameters = params.reduce(0) { $0 + $1.1.numel }, bufferElements = buffers.reduce(0) { $0 + $1.1.numel }
        self.init(parameters: parameters, buffers: bufferElements, total: all.values.reduce(0) { $0 + $1.numel },
                  unique: parameters + bufferElements, byDtype: byDtype, byPrefix: byPrefix, tensors: all.count,
                  bufferTensors: buffers.count, bufferKeys: buffers.map(\.0))
    }
}
