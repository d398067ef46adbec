import CkptCore

/// The `.npy` header: magic, version, length and the Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` (FORMATS.md §3).
public struct NPYHeader: Sendable, Equatable {
    public var dtype: DType
    public var byteOrder: ByteOrder
    public var shape: [Int]
    public var fortranOrder: Bool
    /// Offset of the array data from the start of the `.npy` bytes.
    public var dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Headers longer than this are refused (numpy itself refuses more than 10 000 bytes without `max_header_size`).
    static let maxHeaderLength = 1 << 20

    /// Parses the header of an `.npy` of `size` bytes; `prefix(n)` returns its first `n` bytes.
    public static func parse(size: Int, prefix: (Int) throws -> [UInt8]) throws -> NPYHeader {
        guard size >= 10 else { throw CheckpointError.truncated(".npy is \(size) bytes, too short for a header") }
        let start = try prefix(min(size, 12))
        guard Array(start[0 ..< 6]) == magic else { throw CheckpointError.malformed("not an .npy (bad magic)") }
        let major = start[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3:
            guard start.count >= 12 else { throw CheckpointError.truncated(".npy ends inside its header length") }
            lengthSize = 4
        default: throw CheckpointError.unsupported(".npy format version \(major).\(start[7]) is not supported")
        }
        var length = 0
        for i in (0 ..< lengthSize).reversed() { length = length << 8 | Int(start[8 + i]) }
        guard length <= maxHeaderLength else { throw CheckpointError.tooLarge(".npy header claims \(length) bytes") }
        let dataOffset = 8 + lengthSize + length
        guard dataOffset <= size else {
            throw CheckpointError.truncated(".npy header claims \(length) bytes but the file has \(size - 8 - lengthSize)")
        }
        let text = Array(try prefix(dataOffset)[(8 + lengthSize)...])
        guard case .dict(let items) = try PythonLiteral.parse(text) else {
            throw CheckpointError.malformed(".npy header is not a dict")
        }
        func item(_ k: String) throws -> PythonLiteral {
            guard let v = items.first(where: { $0.0 == k })?.1 else { throw CheckpointError.malformed(".npy header has no '\(k)'") }
            return v
        }
        guard case .string(let descr) = try item("descr") else {
            throw CheckpointError.unsupported(".npy holds a structured array (descr is not a simple type)")
        }
        guard case .bool(let fortran) = try item("fortran_order") else { throw CheckpointError.malformed(".npy fortran_order is not a bool") }
        guard case .tuple(let dims) = try item("shape"), dims.count <= TensorEntry.maxRank else {
            throw CheckpointError.malformed(".npy shape is not a tuple")
        }
        let shape = try dims.map { d -> Int in
            guard case .int(let n) = d, n >= 0 else { throw CheckpointError.malformed(".npy shape has a bad dimension") }
            return n
        }
        let (dtype, order) = try NPYHeader.dtype(descr)
        guard let numel = TensorEntry.checkedNumel(shape), case let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize),
              !overflow else {
            throw CheckpointError.tooLarge(".npy shape \(shape) overflows")
        }
        guard bytes <= size - dataOffset else {
            throw CheckpointError.truncated(".npy array of shape \(shape) needs \(bytes) bytes but \(size - dataOffset) follow the header")
        }
        return NPYHeader(dtype: dtype, byteOrder: order, shape: shape, fortranOrder: fortran, dataOffset: dataOffset)
    }

    /// The tensor over `source` (the whole `.npy` bytes): column-major data gets reversed strides.
    public func tensor(in source: ByteSource, key: String) throws -> TensorEntry {
        let count = (TensorEntry.checkedNumel(shape) ?? 0) * dtype.itemSize
        let storage = TensorStorage(key: key, dtype: dtype, bytes: try source.slice(offset: dataOffset, count: count), byteOrder: byteOrder)
        var strides: [Int]?
        if fortranOrder {
            var s = [Int](repeating: 1, count: shape.count)
            var acc = 1
            for i in shape.indices { s[i] = acc; acc *= max(shape[i], 1) }
            strides = s
        }
        return try TensorEntry(dtype: dtype, shape: shape, strides: strides, storage: storage)
    }

    /// The dtype and byte order for a descr such as `<f4`, `>i2`, `|b1`. `V2` is read as bfloat16: it is
    /// what numpy writes for ml_dtypes' bfloat16 (and what ckpt writes for it). Object arrays hold pickles.
    static func dtype(_ descr: String) throws -> (DType, ByteOrder) {
        guard let first = descr.first else { throw CheckpointError.malformed(".npy descr is empty") }
        let order: ByteOrder = first == ">" ? .big : .little
        let code = "<>|=".contains(first) ? String(descr.dropFirst()) : descr
        let table: [String: DType] = [
            "f2": .float16, "f4": .float32, "f8": .float64, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "b1": .bool, "c8": .complex64, "c16": .complex128,
            "V2": .bfloat16,
        ]
        if code.hasPrefix("O") { throw CheckpointError.unsafe(".npy holds Python objects (descr '\(descr)'), which would need a pickle; refused") }
        guard let dtype = table[code] else { throw CheckpointError.unsupported(".npy dtype '\(descr)' is not supported") }
        return (dtype, dtype.itemSize == 1 ? .little : order)
    }

    /// numpy's descr for a dtype (little-endian), or nil when numpy has none (float8).
    static func descr(_ dtype: DType) -> String? {
        switch dtype {
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int8: return "|i1"
        case .int16: return "<i2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint8: return "|u1"
        case .uint16: return "<u2"
        case .uint32: return "<u4"
        case .uint64: return "<u8"
        case .bool: return "|b1"
        case .complex64: return "<c8"
        case .complex128: return "<c16"
        case .bfloat16: return "<V2"
        case .float8_e4m3fn, .float8_e5m2: return nil
        }
    }

    /// The header bytes numpy 2 writes for a C-order little-endian array: version 1.0, room for the first
    /// axis to grow to 21 digits, padded with spaces and a newline to a multiple of 64.
    static func encode(dtype: DType, shape: [Int]) throws -> [UInt8] {
        guard let descr = descr(dtype) else { throw CheckpointError.unsupported("NumPy has no \(dtype.rawValue) dtype") }
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var text = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }"
        if let first = shape.first { text += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        var length = text.utf8.count + 1
        var version: UInt8 = 1
        var prefix = 10
        // numpy's padlen is 64 - (…) % 64, so an already aligned header still gets 64 spaces.
        var padding = 64 - (prefix + length) % 64
        if length + padding > 0xFFFF {
            version = 2
            prefix = 12
            padding = 64 - (prefix + length) % 64
        }
        length += padding
        var out: [UInt8] = magic + [version, 0]
        for i in 0 ..< (prefix - 8) { out.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        out += Array(text.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return out
    }
}
