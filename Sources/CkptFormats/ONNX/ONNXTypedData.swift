import CkptCore

/// Decodes an ONNX tensor's typed value list (FORMATS-MORE.md 4.2) into little-endian elements: `float_data`
/// (fixed32), `double_data` (fixed64), `int64_data` / `uint64_data` (varints, kept to the item size) and
/// `int32_data` (varints; every type of 16 bits or less stores one element per entry: its low bytes — float16 and
/// bfloat16 as their bit patterns). Packed and unpacked fields are both accepted.
enum ONNXTypedData {
    static func decode(_ fields: [ProtobufCursor.Field], field number: Int, from bytes: UnsafeRawBufferPointer,
                       itemSize: Int, count: Int) throws -> [UInt8] {
        let fixedWidth = number == 4 ? 4 : number == 10 ? 8 : 0
        let width = fixedWidth > 0 ? fixedWidth : itemSize
        // A complex element is two entries (real, imaginary), each its own 4 or 8 bytes.
        let entries = count * max(1, itemSize / width)
        var out = [UInt8]()
        out.reserveCapacity(count * itemSize)
        var seen = 0
        func append(_ value: UInt64, width: Int) throws {
            seen += 1
            guard seen <= entries else { throw CheckpointError.malformed("its typed data holds more than the \(count) elements its dims say") }
            for i in 0 ..< width { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i))) }
        }
        for f in fields {
            if f.wire == .lengthDelimited {
                var cursor = ProtobufCursor(bytes, range: f.range)
                if fixedWidth > 0 {
                    guard f.range.count % fixedWidth == 0 else { throw CheckpointError.malformed("its packed data is \(f.range.count) bytes") }
                    var at = f.range.lowerBound
                    while at < f.range.upperBound {
                        var v: UInt64 = 0
                        for i in 0 ..< fixedWidth { v |= UInt64(bytes[at + i]) << UInt64(8 * i) }
                        try append(v, width: width)
                        at += fixedWidth
                    }
                } else {
                    while cursor.position < cursor.end { try append(try cursor.varint(), width: width) }
                }
            } else {
                try append(f.scalar, width: width)
            }
        }
        guard seen == entries else {
            throw CheckpointError.malformed("its typed data holds \(seen) entries, its dims say \(entries)")
        }
        return out
    }
}
