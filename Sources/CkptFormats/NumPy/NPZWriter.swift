import CkptCore

/// Writes a `.npz` that `np.load` reads back with the same keys, order, dtypes and bytes: one STORED
/// `<key>.npy` member per tensor (as `np.savez` does), member data aligned to 64 bytes so the arrays can be
/// memory-mapped. Tensors stream one at a time. bfloat16 is stored as `<V2` (what numpy writes for ml_dtypes'
/// bfloat16; `np.load` returns raw 2-byte voids, ckpt reads it back as bfloat16); float8 is refused.
public enum NPZWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws {
        let zip = try ZipWriter(path: path)
        for (key, tensor) in stateDict.tensors {
            let header: [UInt8]
            do {
                header = try NPYHeader.encode(dtype: tensor.dtype, shape: tensor.shape)
            } catch let e as CheckpointError {
                throw e.prefixed("tensor '\(key)': ")
            }
            try zip.begin(key + ".npy", size: header.count + tensor.byteCount)
            try header.withUnsafeBytes { try zip.write($0) }
            if tensor.numel > 0 { try tensor.withContiguousBytes { try zip.write($0) } }
            try zip.end()
        }
        try zip.finish()
    }
}
