import CkptCore

extension StateDict {
    /// `convert --dtype`: every floating tensor cast to `target` (rounded to nearest even); integer, bool and
    /// already-`target` tensors untouched. Each storage is converted once and every view of it is rebuilt on the
    /// converted storage, so tied weights and views still share storage in the result. `progress` is told the
    /// bytes of each storage converted.
    public func casting(floatingTo target: DType, progress: (Int) -> Void = { _ in }) throws -> StateDict {
        var converted: [ObjectIdentifier: TensorStorage] = [:]
        return try mapTensors { key, t in
            guard t.dtype.isFloatingPoint, t.dtype != target else { return t }
            do {
                guard t.storage.dtype == t.dtype else { return try t.converted(to: target) }
                let id = ObjectIdentifier(t.storage)
                let storage: TensorStorage
                if let hit = converted[id] {
                    storage = hit
                } else {
                    let whole = try TensorEntry(dtype: t.dtype, shape: [t.storage.elementCount], storage: t.storage)
                    storage = try whole.converted(to: target).storage
                    converted[id] = storage
                    progress(t.storage.bytes.count)
                }
                return try TensorEntry(dtype: target, shape: t.shape, strides: t.strides, storageOffset: t.storageOffset,
                                       storage: storage, requiresGrad: t.requiresGrad, isParameter: t.isParameter)
            } catch let e as CheckpointError {
                throw CheckpointError.malformed("\(key): \(e.description)")
            }
        }
    }
}
