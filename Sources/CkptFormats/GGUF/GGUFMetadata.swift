import CkptCore

/// A GGUF metadata value type (`gguf_type` in ggml's `gguf.h`).
enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

    /// Bytes of one value, for the fixed-size types.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// Fewest bytes one value can take (a string's length field, an array's type and count).
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    /// The name gguf-py gives the type, lower case (`uint32`, `string`).
    var name: String { String(describing: self) }
}

/// Reads metadata values into `CheckpointValue`s. Arrays are summarised lazily: up to `listLimit` elements
/// are listed in full; a longer array (Gemma's tokenizer holds 262,144 tokens, scores and types) becomes
/// `array('<type>', <count>, [<first elements>])` and the rest is skipped without being decoded — fixed-size
/// elements in one bounds-checked jump, strings and nested arrays by their lengths.
enum GGUFMetadata {
    /// Arrays of at most this many elements are listed in full.
    static let listLimit = 64
    /// Elements shown at the head of a summarised array.
    static let headCount = 8
    /// Deepest nesting of arrays accepted (ggml refuses nested arrays; gguf-py writes them).
    static let maxDepth = 8

    /// The value type id read at the cursor, checked.
    static func valueType(_ cursor: inout GGUFCursor, key: String) throws -> GGUFValueType {
        let raw = try cursor.u32("type of metadata \(key.ggufQuoted)")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw CheckpointError.malformed("metadata \(key.ggufQuoted) has unknown value type \(raw)")
        }
        return type
    }

    /// One value of `type` at the cursor.
    static func value(_ type: GGUFValueType, _ cursor: inout GGUFCursor, key: String, depth: Int = 0) throws -> CheckpointValue {
        let what = "metadata \(key.ggufQuoted)"
        switch type {
        case .uint8: return .int(Int(try cursor.integer(UInt8.self, what)))
        case .int8: return .int(Int(try cursor.integer(Int8.self, what)))
        case .uint16: return .int(Int(try cursor.integer(UInt16.self, what)))
        case .int16: return .int(Int(try cursor.integer(Int16.self, what)))
        case .uint32: return .int(Int(try cursor.integer(UInt32.self, what)))
        case .int32: return .int(Int(try cursor.integer(Int32.self, what)))
        case .uint64:
            let v = try cursor.integer(UInt64.self, what)
            return v <= UInt64(Int.max) ? .int(Int(v)) : .bigInt(String(v))
        case .int64: return .int(Int(try cursor.integer(Int64.self, what)))
        case .float32: return .float(Double(Float(bitPattern: try cursor.integer(UInt32.self, what))))
        case .float64: return .float(Double(bitPattern: try cursor.integer(UInt64.self, what)))
        case .bool: return .bool(try cursor.integer(UInt8.self, what) != 0)
        case .string: return .string(try cursor.string(what))
        case .array: return try array(&cursor, key: key, depth: depth)
        }
    }

    /// An array: element type u32, count u64, then the elements with no per-element tag.
    static func array(_ cursor: inout GGUFCursor, key: String, depth: Int) throws -> CheckpointValue {
        guard depth < maxDepth else {
            throw CheckpointError.malformed("metadata \(key.ggufQuoted) nests arrays deeper than \(maxDepth)")
        }
        let element = try valueType(&cursor, key: key)
        let count = try cursor.count("element count of metadata \(key.ggufQuoted)", minimumSize: element.minimumSize)
        let listed = count <= listLimit ? count : headCount
        var items: [CheckpointValue] = []
        items.reserveCapacity(listed)
        for _ in 0 ..< listed { items.append(try value(element, &cursor, key: key, depth: depth + 1)) }
        guard count > listed else { return .list(items) }
        try skip(element, count: count - listed, &cursor, key: key, depth: depth + 1)
        return .object("array", [.string(element.name), .int(count), .list(items)])
    }

    /// Moves past `count` values of `type` without decoding them.
    static func skip(_ type: GGUFValueType, count: Int, _ cursor: inout GGUFCursor, key: String, depth: Int) throws {
        let what = "metadata \(key.ggufQuoted)"
        if let size = type.fixedSize {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw CheckpointError.malformed("\(what): \(count) elements overflow") }
            try cursor.skip(bytes, what)
        } else if type == .string {
            for _ in 0 ..< count { try cursor.skipString(what) }
        } else {
            guard depth < maxDepth else {
                throw CheckpointError.malformed("metadata \(key.ggufQuoted) nests arrays deeper than \(maxDepth)")
            }
            for _ in 0 ..< count {
                let element = try valueType(&cursor, key: key)
                let n = try cursor.count("element count of \(what)", minimumSize: element.minimumSize)
                try skip(element, count: n, &cursor, key: key, depth: depth + 1)
            }
        }
    }
}
