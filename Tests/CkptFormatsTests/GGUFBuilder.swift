import Foundation

/// Hand-made GGUF bytes for hostile-header tests: a small valid file by default (one key/value, one 2×4 f32
/// tensor, data padded to 32), every field overridable, in either byte order.
struct GGUFBuilder {
    struct Info {
        var name: String
        var ne: [UInt64]
        var type: UInt32 = 0
        var offset: UInt64 = 0
        /// Written as n_dims instead of `ne.count` when set.
        var nDims: UInt32?
    }

    var version: UInt32 = 3
    var bigEndian = false
    /// Written instead of the real counts when set.
    var tensorCount: UInt64?
    var kvCount: UInt64?
    /// Key/values, each writing its key, type and value.
    var kvs: [(inout GGUFBuilder.Bytes) -> Void] = [{ $0.kv("general.architecture", type: 8) { $0.string("x") } }]
    var tensors: [Info] = [Info(name: "t", ne: [4, 2])]
    var alignment = 32
    /// Bytes of data after the padding (default: 32 bytes of f32 ramp, enough for the default tensor).
    var data: [UInt8] = (0 ..< 8).flatMap { i in withUnsafeBytes(of: Float(i).bitPattern.littleEndian) { Array($0) } }

    /// A growing byte buffer in the builder's byte order.
    struct Bytes {
        var bigEndian: Bool
        var out: [UInt8] = []

        mutating func integer<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { out += $0 }
        }
        mutating func u32(_ v: UInt32) { integer(v) }
        mutating func u64(_ v: UInt64) { integer(v) }
        mutating func string(_ s: String, length: UInt64? = nil) {
            u64(length ?? UInt64(s.utf8.count))
            out += Array(s.utf8)
        }
        mutating func kv(_ key: String, type: UInt32, _ value: (inout Bytes) -> Void) {
            string(key)
            u32(type)
            value(&self)
        }
    }

    /// Adds a key/value.
    mutating func add(_ key: String, type: UInt32, _ value: @escaping (inout Bytes) -> Void) {
        kvs.append { $0.kv(key, type: type, value) }
    }

    var bytes: [UInt8] {
        var b = Bytes(bigEndian: bigEndian)
        b.out = Array("GGUF".utf8)
        b.u32(version)
        b.u64(tensorCount ?? UInt64(tensors.count))
        b.u64(kvCount ?? UInt64(kvs.count))
        for kv in kvs { kv(&b) }
        for t in tensors {
            b.string(t.name)
            b.u32(t.nDims ?? UInt32(t.ne.count))
            for d in t.ne { b.u64(d) }
            b.u32(t.type)
            b.u64(t.offset)
        }
        if !tensors.isEmpty {
            while b.out.count % alignment != 0 { b.out.append(0) }
        }
        return b.out + data
    }

    /// Writes the bytes to a fresh file in `folder` and returns its path.
    func write(in folder: URL, name: String = "hostile.gguf") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
