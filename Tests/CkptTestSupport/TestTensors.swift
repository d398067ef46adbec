import CkptCore
import OrderedCollections

/// Small tensors and state dicts built in memory, for tests that need no fixture file.
public enum TestTensors {
    /// Bytes from lowercase hex (`"3f80"` → `[0x3F, 0x80]`).
    public static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var it = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        while let a = it.next(), let b = it.next() { out.append(nibble(a) << 4 | nibble(b)) }
        return out
    }

    /// A float32 tensor of `shape` holding `0, 1, 2, …`.
    public static func ramp(_ shape: [Int]) throws -> TensorEntry {
        let n = shape.reduce(1, *)
        return try TensorEntry.float32((0 ..< n).map(Float.init), shape: shape)
    }

    /// A zero-filled tensor of `shape` and `dtype`.
    public static func zeros(_ shape: [Int], _ dtype: DType = .float32) throws -> TensorEntry {
        try TensorEntry(dtype: dtype, shape: shape, bytes: [UInt8](repeating: 0, count: shape.reduce(1, *) * dtype.itemSize))
    }

    /// A flat state_dict from key/tensor pairs, in order.
    public static func stateDict(_ pairs: [(String, TensorEntry)]) -> StateDict {
        var d = OrderedDictionary<String, TensorEntry>()
        for (k, v) in pairs { d[k] = v }
        return StateDict(tensors: d)
    }
}
