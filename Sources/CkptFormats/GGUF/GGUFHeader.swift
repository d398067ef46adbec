import CkptCore
import OrderedCollections

/// A GGUF file's header (FORMATS-MORE.md §1.1): magic, version, counts, the metadata key/values, the tensor
/// infos, and where the data section starts. Everything is checked before anything is allocated from it:
/// counts against the bytes left, strings and arrays against the file, and tensor offsets as ggml's
/// `gguf.cpp` checks them (each tensor where the previous ones end, padded to the alignment).
struct GGUFHeader {
    /// "GGUF", the same bytes in either byte order.
    static let magic: [UInt8] = [0x47, 0x47, 0x55, 0x46]
    /// Alignment when `general.alignment` is absent.
    static let defaultAlignment = 32
    /// Fewest bytes a key/value can take: key length, value type, one byte of value.
    static let minimumKVSize = 8 + 4 + 1

    var version: Int
    /// True for a byte-swapped file: ggml's test, the version read little-endian has its low 16 bits zero.
    var bigEndian: Bool
    var metadata: OrderedDictionary<String, CheckpointValue>
    var alignment: Int
    var tensors: [GGUFTensorInfo]
    /// File offset of the data section (after the infos, padded to the alignment).
    var dataStart: Int

    static func read(_ file: MappedFile) throws -> GGUFHeader {
        try file.withBytes { try read(bytes: $0) }
    }

    /// Reads the header from the whole file's bytes; nothing read from them outlives the call.
    static func read(bytes: UnsafeRawBufferPointer) throws -> GGUFHeader {
        guard bytes.count >= 8 else { throw CheckpointError.truncated("GGUF file is \(bytes.count) bytes, too short for its version") }
        guard Array(try bytes.slice(offset: 0, count: 4)) == magic else {
            throw CheckpointError.unrecognized("not a GGUF file (no GGUF magic)")
        }
        let raw = UInt32(littleEndian: try bytes.slice(offset: 4, count: 4).loadUnaligned(as: UInt32.self))
        let bigEndian = raw & 0xFFFF == 0
        let version = bigEndian ? raw.byteSwapped : raw
        guard version == 2 || version == 3 else {
            throw CheckpointError.unsupported(version == 1
                ? "GGUF version 1 is not supported (ggml reads versions 2 and 3)"
                : "GGUF version \(version) is not supported (versions 2 and 3 are)")
        }
        var cursor = GGUFCursor(raw: bytes, bigEndian: bigEndian, offset: 8)
        let tensorCount = try cursor.u64("tensor count")
        let kvCount = try cursor.count("metadata count", minimumSize: minimumKVSize)
        // Every tensor info follows the key/values: the remaining bytes bound the count before any is read.
        let tensorLimit = UInt64(cursor.remaining / GGUFTensorInfo.minimumSize)
        guard tensorCount <= tensorLimit else {
            throw CheckpointError.malformed("tensor count is \(tensorCount) but the \(cursor.remaining) bytes left can hold at most \(tensorLimit)")
        }

        var metadata = OrderedDictionary<String, CheckpointValue>()
        var alignment = defaultAlignment
        for i in 0 ..< kvCount {
            let key = try cursor.string("key of metadata \(i)")
            guard metadata[key] == nil else { throw CheckpointError.malformed("metadata key \(key.ggufQuoted) appears twice") }
            let type = try GGUFMetadata.valueType(&cursor, key: key)
            let value = try GGUFMetadata.value(type, &cursor, key: key)
            if key == "general.alignment" { alignment = try checkedAlignment(value, type: type) }
            metadata[key] = value
        }

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(Int(tensorCount))
        var names = Set<String>()
        for i in 0 ..< Int(tensorCount) {
            let info = try GGUFTensorInfo.read(&cursor, index: i)
            guard names.insert(info.name).inserted else { throw CheckpointError.malformed("tensor \(info.name.ggufQuoted) appears twice") }
            tensors.append(info)
        }
        var dataStart = cursor.offset
        if !tensors.isEmpty {
            // ggml pads the infos to the alignment only when there is data after them.
            guard let padded = alignUp(cursor.offset, alignment) else { throw CheckpointError.malformed("data section offset overflows") }
            try cursor.seek(to: padded, "padding before the data section")
            dataStart = padded
        }
        try checkOffsets(tensors, alignment: alignment, dataStart: dataStart, fileSize: bytes.count)
        return GGUFHeader(version: Int(version), bigEndian: bigEndian, metadata: metadata, alignment: alignment,
                          tensors: tensors, dataStart: dataStart)
    }

    /// `general.alignment` must be a UINT32 (ggml reads it so) and a nonzero power of two.
    static func checkedAlignment(_ value: CheckpointValue, type: GGUFValueType) throws -> Int {
        guard type == .uint32, case .int(let a) = value else {
            throw CheckpointError.malformed("general.alignment is a \(type.name), not a uint32")
        }
        guard a > 0, a & (a - 1) == 0 else {
            throw CheckpointError.malformed("general.alignment is \(a), not a power of two")
        }
        return a
    }

    /// Each tensor must start where the previous one's padded size ends (ggml's rule; gguf-py writes so), and
    /// its bytes must lie inside the file (padding after the last tensor is not required).
    static func checkOffsets(_ tensors: [GGUFTensorInfo], alignment: Int, dataStart: Int, fileSize: Int) throws {
        var expected = 0
        for t in tensors {
            guard t.offset == expected else {
                throw CheckpointError.malformed("tensor \(t.name.ggufQuoted) is at data offset \(t.offset), but the tensors before it end at \(expected) (padded to \(alignment))")
            }
            let (start, o1) = dataStart.addingReportingOverflow(t.offset)
            let (end, o2) = start.addingReportingOverflow(t.byteCount)
            guard !o1, !o2, end <= fileSize else {
                throw CheckpointError.truncated("tensor \(t.name.ggufQuoted) needs bytes \(start)..<\(o1 || o2 ? Int.max : end) but the file has \(fileSize)")
            }
            guard let next = alignUp(t.byteCount, alignment), case let (sum, overflow) = expected.addingReportingOverflow(next), !overflow else {
                throw CheckpointError.malformed("data section size overflows at tensor \(t.name.ggufQuoted)")
            }
            expected = sum
        }
    }

    /// `n` rounded up to a multiple of `alignment` (a power of two), or nil on overflow.
    static func alignUp(_ n: Int, _ alignment: Int) -> Int? {
        let (sum, overflow) = n.addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum & ~(alignment - 1)
    }
}
