import CkptCore
import Foundation
import OrderedCollections

/// Paths and small builders shared by the report tests.
enum ReportsTestSupport {
    /// Bytes from lowercase hex.
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var it = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        while let a = it.next(), let b = it.next() { out.append(nibble(a) << 4 | nibble(b)) }
        return out
    }

    /// A float32 tensor of `n` elements `0, 1, 2, …`.
    static func ramp(_ shape: [Int]) throws -> TensorEntry {
        let n = shape.reduce(1, *)
        return try TensorEntry.float32((0 ..< n).map(Float.init), shape: shape)
    }

    /// A flat state_dict from key/tensor pairs.
    static func stateDict(_ pairs: [(String, TensorEntry)]) -> StateDict {
        var d = OrderedDictionary<String, TensorEntry>()
        for (k, v) in pairs { d[k] = v }
        return StateDict(tensors: d)
    }
}
