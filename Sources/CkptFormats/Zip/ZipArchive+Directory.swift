import CkptCore
import Foundation

/// Parsing of the end-of-central-directory records, central directory entries and local headers.
extension ZipArchive {
    struct End {
        var count: Int
        var directoryOffset: Int
        var directorySize: Int
    }

    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50
    /// Largest ratio DEFLATE can reach (258-byte matches coded in ~2 bits); a larger declared size is a lie.
    static let maxDeflateRatio = 1032

    /// The end record and every central directory entry of the zip whose bytes are `all`.
    static func readDirectory(_ all: UnsafeRawBufferPointer) throws -> (End, [Entry]) {
        let end = try findEnd(all)
        var entries: [Entry] = []
        entries.reserveCapacity(end.count)
        var offset = end.directoryOffset
        let directoryEnd = end.directoryOffset + end.directorySize
        for i in 0 ..< end.count {
            let (entry, next) = try readCentralEntry(all, at: offset, limit: directoryEnd, number: i)
            entries.append(entry)
            offset = next
        }
        return (end, entries)
    }

    /// Finds the end-of-central-directory record by a bounded backwards scan (22 bytes + a comment of at most
    /// 65535), then the zip64 record through its locator when present.
    static func findEnd(_ all: UnsafeRawBufferPointer) throws -> End {
        guard all.count >= 22 else { throw CheckpointError.truncated("zip is \(all.count) bytes, too short for an end record") }
        let windowStart = max(0, all.count - 22 - 65535)
        let window = try all.slice(offset: windowStart, count: all.count - windowStart)
        var exact: Int?
        var fits: Int?
        var i = window.count - 22
        while i >= 0 {
            if ZipLE.u32(window, i) == endSignature {
                let commentEnd = i + 22 + Int(ZipLE.u16(window, i + 20))
                if commentEnd == window.count { exact = i; break }
                if commentEnd < window.count, fits == nil { fits = i }
            }
            i -= 1
        }
        guard let local = exact ?? fits else {
            throw CheckpointError.malformed("no zip end-of-central-directory record (truncated or not a zip)")
        }
        let eocd = windowStart + local
        let rec = try all.slice(offset: eocd, count: 22)
        let disk = ZipLE.u16(rec, 4), directoryDisk = ZipLE.u16(rec, 6)
        var count = Int(ZipLE.u16(rec, 10))
        var size = Int(ZipLE.u32(rec, 12))
        var offset = Int(ZipLE.u32(rec, 16))
        var limit = eocd
        if eocd >= 20, ZipLE.u32(try all.slice(offset: eocd - 20, count: 20), 0) == zip64LocatorSignature {
            let locator = try all.slice(offset: eocd - 20, count: 20)
            let recordOffset = try ZipLE.int(ZipLE.u64(locator, 8), "zip64 end record offset")
            guard recordOffset <= eocd - 20 - 56 else {
                throw CheckpointError.malformed("zip64 end record at \(recordOffset) is outside the file")
            }
            let z = try all.slice(offset: recordOffset, count: 56)
            guard ZipLE.u32(z, 0) == zip64EndSignature else {
                throw CheckpointError.malformed("zip64 locator points at \(recordOffset), which is not a zip64 end record")
            }
            guard ZipLE.u32(z, 16) == 0, ZipLE.u32(z, 20) == 0 else {
                throw CheckpointError.unsupported("multi-disk zip archives are not supported")
            }
            count = try ZipLE.int(ZipLE.u64(z, 32), "zip64 entry count")
            size = try ZipLE.int(ZipLE.u64(z, 40), "zip64 central directory size")
            offset = try ZipLE.int(ZipLE.u64(z, 48), "zip64 central directory offset")
            limit = recordOffset
        } else {
            guard disk == 0, directoryDisk == 0 else {
                throw CheckpointError.unsupported("multi-disk zip archives are not supported")
            }
        }
        guard offset <= limit, size <= limit - offset else {
            throw CheckpointError.malformed("zip central directory \(offset)..<\(offset &+ size) lies outside the file (\(all.count) bytes)")
        }
        guard count <= size / 46 else {
            throw CheckpointError.malformed("zip claims \(count) entries in a \(size)-byte central directory")
        }
        return End(count: count, directoryOffset: offset, directorySize: size)
    }

    /// Reads the central directory entry at `offset` (which must end by `limit`) and its local header.
    /// Returns the entry and the offset of the next central entry.
    static func readCentralEntry(_ all: UnsafeRawBufferPointer, at offset: Int, limit: Int, number: Int) throws -> (Entry, Int) {
        guard limit - offset >= 46 else { throw CheckpointError.malformed("zip central directory ends inside entry \(number)") }
        let h = try all.slice(offset: offset, count: 46)
        guard ZipLE.u32(h, 0) == centralSignature else {
            throw CheckpointError.malformed("zip central directory entry \(number) has a bad signature")
        }
        let flags = ZipLE.u16(h, 8), method = ZipLE.u16(h, 10), crc = ZipLE.u32(h, 16)
        let nameLength = Int(ZipLE.u16(h, 28)), extraLength = Int(ZipLE.u16(h, 30)), commentLength = Int(ZipLE.u16(h, 32))
        let variable = nameLength + extraLength + commentLength
        guard limit - offset - 46 >= variable else {
            throw CheckpointError.malformed("zip central directory ends inside entry \(number)")
        }
        let nameBytes = try all.slice(offset: offset + 46, count: nameLength)
        // Names end up in one-line error messages: a name with control characters is damage, not a member.
        guard !nameBytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw CheckpointError.malformed("zip central directory entry \(number) has a name with control characters")
        }
        let name = String(bytes: nameBytes, encoding: .utf8) ?? String(bytes: nameBytes, encoding: .isoLatin1) ?? ""
        var compressed = UInt64(ZipLE.u32(h, 20)), uncompressed = UInt64(ZipLE.u32(h, 24))
        var localOffset = UInt64(ZipLE.u32(h, 42))
        let extra = try all.slice(offset: offset + 46 + nameLength, count: extraLength)
        try applyZip64Extra(extra, uncompressed: &uncompressed, compressed: &compressed, localOffset: &localOffset, name: name)
        if flags & 0x0041 != 0 {
            throw CheckpointError.unsupported("zip member '\(name)' is encrypted")
        }
        var entry = Entry(name: name, method: method, crc32: crc,
                          compressedSize: try ZipLE.int(compressed, "size of '\(name)'"),
                          uncompressedSize: try ZipLE.int(uncompressed, "size of '\(name)'"),
                          dataOffset: 0, localHeaderOffset: try ZipLE.int(localOffset, "offset of '\(name)'"),
                          flags: flags)
        entry.dataOffset = try localDataOffset(all, entry: entry, centralName: nameBytes)
        try checkSizes(all, entry)
        return (entry, offset + 46 + variable)
    }

    /// Replaces 0xFFFFFFFF fields with the zip64 extra's u64 values, which appear in a fixed order and only
    /// for the fields that overflowed.
    static func applyZip64Extra(_ extra: UnsafeRawBufferPointer, uncompressed: inout UInt64, compressed: inout UInt64,
                                localOffset: inout UInt64, name: String) throws {
        var p = 0
        while p + 4 <= extra.count {
            let id = ZipLE.u16(extra, p), length = Int(ZipLE.u16(extra, p + 2))
            guard p + 4 + length <= extra.count else {
                throw CheckpointError.malformed("zip member '\(name)' has a truncated extra field")
            }
            if id == 0x0001 {
                var q = p + 4
                let end = q + length
                func next() throws -> UInt64 {
                    guard q + 8 <= end else { throw CheckpointError.malformed("zip member '\(name)' has a short zip64 extra field") }
                    defer { q += 8 }
                    return ZipLE.u64(extra, q)
                }
                if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                if compressed == 0xFFFF_FFFF { compressed = try next() }
                if localOffset == 0xFFFF_FFFF { localOffset = try next() }
            }
            p += 4 + length
        }
    }

    /// The data offset from the member's local header: its own name and extra lengths, which differ from the
    /// central entry's when a writer pads there (torch's `FB` field, numpy's zip64 extra).
    static func localDataOffset(_ all: UnsafeRawBufferPointer, entry: Entry, centralName: UnsafeRawBufferPointer) throws -> Int {
        guard entry.localHeaderOffset <= all.count - 30 else {
            throw CheckpointError.malformed("zip member '\(entry.name)' has its local header outside the file")
        }
        let h = try all.slice(offset: entry.localHeaderOffset, count: 30)
        guard ZipLE.u32(h, 0) == localSignature else {
            throw CheckpointError.malformed("zip member '\(entry.name)' has no local header at \(entry.localHeaderOffset)")
        }
        let nameLength = Int(ZipLE.u16(h, 26)), extraLength = Int(ZipLE.u16(h, 28))
        let nameOffset = entry.localHeaderOffset + 30
        guard nameLength == centralName.count, all.count - nameOffset >= nameLength + extraLength,
              try all.slice(offset: nameOffset, count: nameLength).elementsEqual(centralName) else {
            throw CheckpointError.malformed("zip member '\(entry.name)': local header and central directory names differ")
        }
        return nameOffset + nameLength + extraLength
    }

    static func checkSizes(_ all: UnsafeRawBufferPointer, _ e: Entry) throws {
        guard e.compressedSize <= all.count - e.dataOffset else {
            throw CheckpointError.malformed("zip member '\(e.name)' declares \(e.compressedSize) bytes at \(e.dataOffset) but the file has \(all.count)")
        }
        switch e.method {
        case stored:
            guard e.compressedSize == e.uncompressedSize else {
                throw CheckpointError.malformed("stored zip member '\(e.name)' has compressed size \(e.compressedSize) ≠ size \(e.uncompressedSize)")
            }
        case deflated:
            guard e.uncompressedSize / maxDeflateRatio <= e.compressedSize else {
                throw CheckpointError.tooLarge("zip member '\(e.name)' claims \(e.uncompressedSize) bytes from \(e.compressedSize) compressed (beyond DEFLATE's maximum ratio)")
            }
        default:
            break
        }
    }
}

/// Little-endian reads from raw buffers whose bounds the caller has checked.
enum ZipLE {
    static func u16(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt16 { UInt16(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt16.self)) }
    static func u32(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self)) }
    static func u64(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }

    /// A u64 from the file as Int, refusing values no file can hold.
    static func int(_ v: UInt64, _ what: String) throws -> Int {
        guard v <= UInt64(Int.max / 2) else { throw CheckpointError.malformed("zip \(what) \(v) is impossible") }
        return Int(v)
    }
}
