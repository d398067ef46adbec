import CkptCore

/// Reads protobuf wire format (FORMATS-MORE.md 4.2): each field is a varint key (field number << 3 | wire type)
/// and a value — a varint (0), 8 bytes (1), a length-delimited run (2) or 4 bytes (5). Groups (3, 4) are refused.
/// Offsets are absolute in the bytes the cursor walks, so a length-delimited value can be handed out as a region
/// of a mapped file. Every length is checked against the bytes that remain.
struct ProtobufCursor {
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    struct Field {
        var number: Int
        var wire: WireType
        /// The varint, or the fixed-width bits, of a scalar field.
        var scalar: UInt64
        /// The bytes of a length-delimited field.
        var range: Range<Int>
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    /// A cursor over `range` of `bytes` (the whole buffer when nil).
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws -> Field? {
        guard position < end else { return nil }
        let key = try varint()
        guard let wire = WireType(rawValue: key & 7) else {
            throw CheckpointError.malformed("protobuf field at byte \(position) has wire type \(key & 7)")
        }
        let number = key >> 3
        guard number > 0, number < 1 << 29 else { throw CheckpointError.malformed("protobuf field number \(number) at byte \(position)") }
        var field = Field(number: Int(number), wire: wire, scalar: 0, range: position ..< position)
        switch wire {
        case .varint: field.scalar = try varint()
        case .fixed64: field.scalar = try fixed(8)
        case .fixed32: field.scalar = try fixed(4)
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw CheckpointError.truncated("protobuf field \(number) at byte \(position) is \(length) bytes, past the end of its message")
            }
            field.range = position ..< position + Int(length)
            position += Int(length)
        }
        return field
    }

    /// A base-128 varint of at most 10 bytes (negative int64 values take all 10).
    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < end else { throw CheckpointError.truncated("protobuf varint runs past the end of its message at byte \(position)") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        throw CheckpointError.malformed("protobuf varint longer than 10 bytes at byte \(position)")
    }

    private mutating func fixed(_ n: Int) throws -> UInt64 {
        guard end - position >= n else { throw CheckpointError.truncated("protobuf fixed\(n * 8) runs past the end of its message at byte \(position)") }
        var value: UInt64 = 0
        for i in 0 ..< n { value |= UInt64(bytes[position + i]) << UInt64(8 * i) }
        position += n
        return value
    }

    /// The UTF-8 text of a length-delimited field.
    func string(_ field: Field) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.range]), as: UTF8.self)
    }

    /// The key and value of a `StringStringEntryProto` (key 1, value 2): external data entries, metadata_props.
    func stringPair(_ field: Field) throws -> (key: String, value: String) {
        var entry = ProtobufCursor(bytes, range: field.range)
        var key = "", value = ""
        while let e = try entry.next() {
            guard e.wire == .lengthDelimited else { continue }
            if e.number == 1 { key = entry.string(e) } else if e.number == 2 { value = entry.string(e) }
        }
        return (key, value)
    }

    /// The values of a repeated varint field, packed (one length-delimited run) or not (this one field).
    func varints(_ field: Field) throws -> [UInt64] {
        guard field.wire == .lengthDelimited else { return [field.scalar] }
        var inner = ProtobufCursor(bytes, range: field.range)
        var out: [UInt64] = []
        while inner.position < inner.end { out.append(try inner.varint()) }
        return out
    }
}
