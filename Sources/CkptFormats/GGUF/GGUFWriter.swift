import CkptCore
import OrderedCollections

/// Writes a GGUF v3 file (little-endian, alignment 32) as gguf-py's `GGUFWriter` lays it out: the key/values,
/// the tensor infos in key order (ne = the PyTorch shape reversed, offsets into the data section each rounded up
/// to 32), padding to 32, then each tensor's bytes followed by padding to 32. Tensors are streamed one at a time.
///
/// Tensors keep their dtype where ggml has it (float32 → F32, float16 → F16, bfloat16 → BF16, float64 → F64,
/// int8…int64 → I8…I64); a quantized GGUF tensor is written dequantized, as float32, as every writer writes it.
/// Other dtypes (bool, uint8, complex, float8), names of 64 bytes or more and more than 4 dimensions are what
/// ggml cannot hold: one-line errors naming the tensor. The key/values are the checkpoint's own: its string
/// attributes (safetensors `__metadata__`) as strings, then its non-tensor leaves (`epoch`, `config.lr`) that GGUF
/// can type (integers as INT64, floats as FLOAT64, strings, bools, lists of one of those); a GGUF source's own
/// metadata is not carried over (see `StateDict.fileMetadata`).
public enum GGUFWriter: CheckpointWriter {
    static let alignment = 32
    /// ggml's `GGML_MAX_NAME` (names must be shorter) and `GGML_MAX_DIMS`.
    static let maxName = 64, maxDims = 4

    public static func write(_ stateDict: StateDict, to path: String) throws {
        let tensors = stateDict.tensors
        var header = GGUFBytes()
        header.append(Array("GGUF".utf8))
        header.u32(3)
        header.u64(UInt64(tensors.count))
        let values = keyValues(stateDict)
        header.u64(UInt64(values.count))
        for (key, value) in values {
            header.string(key)
            value.write(to: &header)
        }
        var offset = 0
        for (key, t) in tensors {
            guard let type = ggmlType(t.dtype) else {
                throw CheckpointError.unsupported("GGUF cannot store \(t.dtype.rawValue) ('\(key)')")
            }
            guard key.utf8.count < maxName else {
                throw CheckpointError.unsupported("tensor '\(key)': GGUF names must be shorter than \(maxName) bytes (ggml)")
            }
            guard t.shape.count <= maxDims else {
                throw CheckpointError.unsupported("tensor '\(key)': GGUF tensors have at most \(maxDims) dimensions, it has \(t.shape.count)")
            }
            header.string(key)
            header.u32(UInt32(t.shape.count))
            for n in t.shape.reversed() { header.u64(UInt64(n)) }
            header.u32(type)
            header.u64(UInt64(offset))
            offset += padded(t.byteCount)
        }
        header.append([UInt8](repeating: 0, count: padded(header.bytes.count) - header.bytes.count))
        let out = try BufferedFileOutput(path: path)
        try out.write(header.bytes)
        for (_, t) in tensors {
            try t.withContiguousBytes { try out.write($0) }
            try out.write([UInt8](repeating: 0, count: padded(t.byteCount) - t.byteCount))
        }
        try out.close()
    }

    static func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// The ggml type id of a dtype ggml stores as is (`ggml.h`).
    static func ggmlType(_ dtype: DType) -> UInt32? {
        switch dtype {
        case .float32: return 0
        case .float16: return 1
        case .int8: return 24
        case .int16: return 25
        case .int32: return 26
        case .int64: return 27
        case .float64: return 28
        case .bfloat16: return 30
        default: return nil
        }
    }

    /// The checkpoint's attributes, then its typed non-tensor leaves; a key seen twice is written once.
    static func keyValues(_ stateDict: StateDict) -> OrderedDictionary<String, GGUFValue> {
        var out = OrderedDictionary<String, GGUFValue>()
        for (k, v) in stateDict.attributes { out[k] = .string(v) }
        for (k, v) in stateDict.metadata where out[k] == nil {
            if let value = GGUFValue(v) { out[k] = value }
        }
        return out
    }
}

/// A metadata value GGUF can type, as `GGUFWriter` writes it.
enum GGUFValue {
    case int(Int), float(Double), string(String), bool(Bool)
    indirect case array([GGUFValue])

    init?(_ value: CheckpointValue) {
        switch value {
        case .int(let n): self = .int(n)
        case .float(let x): self = .float(x)
        case .string(let s): self = .string(s)
        case .bool(let b): self = .bool(b)
        case .list(let xs), .tuple(let xs):
            let elements = xs.compactMap(GGUFValue.init)
            guard elements.count == xs.count, let first = elements.first,
                  elements.allSatisfy({ $0.typeID == first.typeID }), first.typeID != 9 else { return nil }
            self = .array(elements)
        default: return nil
        }
    }

    /// GGUF's value type (INT64 11, FLOAT64 12, STRING 8, BOOL 7, ARRAY 9).
    var typeID: UInt32 {
        switch self {
        case .int: return 11
        case .float: return 12
        case .string: return 8
        case .bool: return 7
        case .array: return 9
        }
    }

    func write(to out: inout GGUFBytes, tagged: Bool = true) {
        if tagged { out.u32(typeID) }
        switch self {
        case .int(let n): out.u64(UInt64(bitPattern: Int64(n)))
        case .float(let x): out.u64(x.bitPattern)
        case .string(let s): out.string(s)
        case .bool(let b): out.append([b ? 1 : 0])
        case .array(let xs):
            out.u32(xs.first?.typeID ?? 11)
            out.u64(UInt64(xs.count))
            for x in xs { x.write(to: &out, tagged: false) }
        }
    }
}

/// Little-endian bytes of a GGUF header.
struct GGUFBytes {
    var bytes: [UInt8] = []
    mutating func append(_ b: [UInt8]) { bytes += b }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes += Array(s.utf8)
    }
}
