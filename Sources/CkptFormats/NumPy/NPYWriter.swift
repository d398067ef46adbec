import CkptCore

/// Writes a state dict holding exactly one tensor as a `.npy` (C order, little-endian, the header numpy 2
/// writes). bfloat16 is written as `<V2`, as numpy does for ml_dtypes' bfloat16; float8 has no NumPy dtype.
public enum NPYWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws {
        let tensors = stateDict.tensors
        guard tensors.count == 1, let tensor = tensors.values.first else {
            throw CheckpointError.unsupported("a .npy file holds one array but there are \(tensors.count) tensors (write .npz instead)")
        }
        let out = try BufferedFileOutput(path: path)
        try write(tensor, to: out)
        try out.close()
    }

    /// Header then contiguous little-endian data; returns the bytes written.
    @discardableResult
    static func write(_ tensor: TensorEntry, to out: BufferedFileOutput) throws -> Int {
        let header = try NPYHeader.encode(dtype: tensor.dtype, shape: tensor.shape)
        try out.write(header)
        if tensor.numel > 0 { try tensor.withContiguousBytes { try out.write($0) } }
        return header.count + tensor.byteCount
    }
}
