import CkptCore
import Foundation

/// Streams a zip archive of STORED members to a file, laid out the way `torch.save` (miniz) lays it out:
/// each member's data starts at a multiple of `alignment` (padding in an `FB` extra field of the local
/// header), sizes and CRC follow the data in a descriptor and are repeated in the central directory, zip64
/// extra fields appear only where a size or offset needs them, and the zip64 end record is always written.
/// For the same records the output is byte-identical to torch.save's. Members are written one at a time;
/// nothing but the central directory is held in memory.
public final class ZipWriter {
    struct Written {
        var name: [UInt8]
        var crc: UInt32
        var size: Int
        var localOffset: Int
        var flags: UInt16
    }

    private struct Open {
        var name: [UInt8]
        var size: Int
        var written: Int
        var crc: ZipCRC32
        var localOffset: Int
        var zip64: Bool
    }

    private let out: BufferedFileOutput
    private let alignment: Int
    private var members: [Written] = []
    private var names: Set<String> = []
    private var current: Open?
    private var finished = false
    /// Sizes, offsets and counts from this value on use zip64 fields (lowered by tests to exercise them).
    let limit: Int

    /// Creates `path`. `alignment` is where member data starts (64 as torch writes; 1 for no padding).
    public convenience init(path: String, alignment: Int = 64) throws {
        try self.init(path: path, alignment: alignment, zip64Limit: 0xFFFF_FFFF)
    }

    init(path: String, alignment: Int, zip64Limit: Int) throws {
        precondition(alignment >= 1 && alignment <= 4096, "alignment must be in 1...4096")
        out = try BufferedFileOutput(path: path)
        self.alignment = alignment
        limit = zip64Limit
    }

    /// Adds a whole member.
    public func add(_ name: String, bytes: UnsafeRawBufferPointer) throws {
        try begin(name, size: bytes.count)
        try write(bytes)
        try end()
    }

    /// Adds a whole member.
    public func add(_ name: String, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try add(name, bytes: $0) }
    }

    /// Starts a member of exactly `size` bytes, to be supplied by `write` calls and closed by `end`.
    public func begin(_ name: String, size: Int) throws {
        guard !finished, current == nil else { throw CheckpointError.io("zip writer: member '\(name)' started while another is open") }
        guard names.insert(name).inserted else { throw CheckpointError.malformed("zip member '\(name)' written twice") }
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 0xFFFF else { throw CheckpointError.malformed("zip member name is too long") }
        let offset = out.position
        // As miniz does for torch: a zip64 extra in the local header holds only the fields that overflow
        // (both sizes, the header offset); the 32-bit fields stay 0 since a data descriptor follows.
        let bigSize = size >= limit, bigOffset = offset >= limit
        let zip64 = bigSize || bigOffset
        var header = ZipBytes()
        header.u32(ZipArchive.localSignature)
        header.u16(0)
        header.u16(size == 0 ? 0x0800 : 0x0808)
        header.u16(ZipArchive.stored)
        header.u32(0) // time and date, as torch writes them
        header.u32(0) // CRC and sizes: in the data descriptor and the central directory
        header.u32(0)
        header.u32(0)
        header.u16(UInt16(nameBytes.count))
        let zip64Extra = zip64 ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0
        let unpadded = offset + 30 + nameBytes.count + zip64Extra + 4
        let padding = (alignment - unpadded % alignment) % alignment
        header.u16(UInt16(zip64Extra + 4 + padding))
        header.bytes += nameBytes
        if zip64 {
            header.u16(0x0001)
            header.u16(UInt16(zip64Extra - 4))
            // miniz fills the compressed size before compressing, so it is 0 here; readers take sizes from
            // the central directory, and writing the same bytes keeps ckpt's files identical to torch's.
            if bigSize { header.u64(UInt64(size)); header.u64(0) }
            if bigOffset { header.u64(UInt64(offset)) }
        }
        header.bytes += [0x46, 0x42] // "FB"
        header.u16(UInt16(padding))
        header.bytes += [UInt8](repeating: 0x5A, count: padding)
        try out.write(header.bytes)
        current = Open(name: nameBytes, size: size, written: 0, crc: ZipCRC32(), localOffset: offset, zip64: zip64)
    }

    /// Appends bytes to the open member.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var m = current else { throw CheckpointError.io("zip writer: write with no open member") }
        guard bytes.count <= m.size - m.written else {
            throw CheckpointError.malformed("zip member '\(String(decoding: m.name, as: UTF8.self))' given more than its \(m.size) bytes")
        }
        m.crc.update(bytes)
        m.written += bytes.count
        current = m
        try out.write(bytes)
    }

    /// Closes the open member: writes its data descriptor.
    public func end() throws {
        guard let m = current else { throw CheckpointError.io("zip writer: end with no open member") }
        guard m.written == m.size else {
            throw CheckpointError.malformed("zip member '\(String(decoding: m.name, as: UTF8.self))' got \(m.written) of \(m.size) bytes")
        }
        current = nil
        if m.size > 0 {
            var d = ZipBytes()
            d.u32(0x0807_4B50)
            d.u32(m.crc.value)
            if m.zip64 {
                d.u64(UInt64(m.size)); d.u64(UInt64(m.size))
            } else {
                d.u32(UInt32(m.size)); d.u32(UInt32(m.size))
            }
            try out.write(d.bytes)
        }
        members.append(Written(name: m.name, crc: m.crc.value, size: m.size, localOffset: m.localOffset,
                               flags: m.size == 0 ? 0x0800 : 0x0808))
    }

    /// Writes the central directory and end records and closes the file.
    public func finish() throws {
        guard !finished else { return }
        guard current == nil else { throw CheckpointError.io("zip writer: finish with a member still open") }
        finished = true
        let directoryOffset = out.position
        for m in members { try out.write(centralEntry(m).bytes) }
        let directorySize = out.position - directoryOffset
        // torch (miniz with MZ_ZIP_FLAG_WRITE_ZIP64) always writes the zip64 end record and locator, and the
        // classic end record still holds the real values where they fit; doing the same makes ckpt's archives
        // byte-identical to torch.save's for the same records.
        // An empty archive (an .npz of no arrays) is the classic end record alone, as Python's zipfile writes it:
        // numpy and ckpt recognise a zip by its first four bytes, which would otherwise be the zip64 record's.
        let record = out.position
        var e = ZipBytes()
        if !members.isEmpty {
            e.u32(ZipArchive.zip64EndSignature)
            e.u64(44)
            e.u16(0x031E); e.u16(45)
            e.u32(0); e.u32(0)
            e.u64(UInt64(members.count)); e.u64(UInt64(members.count))
            e.u64(UInt64(directorySize)); e.u64(UInt64(directoryOffset))
            e.u32(ZipArchive.zip64LocatorSignature)
            e.u32(0)
            e.u64(UInt64(record))
            e.u32(1)
        }
        e.u32(ZipArchive.endSignature)
        e.u16(0); e.u16(0)
        let count = members.count >= min(0xFFFF, limit) ? 0xFFFF : UInt16(members.count)
        e.u16(count); e.u16(count)
        e.u32(directorySize >= limit ? 0xFFFF_FFFF : UInt32(directorySize))
        e.u32(directoryOffset >= limit ? 0xFFFF_FFFF : UInt32(directoryOffset))
        e.u16(0)
        try out.write(e.bytes)
        try out.close()
    }

    func centralEntry(_ m: Written) -> ZipBytes {
        let bigSize = m.size >= limit, bigOffset = m.localOffset >= limit
        var extra = ZipBytes()
        if bigSize || bigOffset {
            extra.u16(0x0001)
            extra.u16(UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
            if bigSize { extra.u64(UInt64(m.size)); extra.u64(UInt64(m.size)) }
            if bigOffset { extra.u64(UInt64(m.localOffset)) }
        }
        var c = ZipBytes()
        c.u32(ZipArchive.centralSignature)
        c.u16(0); c.u16(0) // versions made by and needed, as miniz writes them for STORED members
        c.u16(m.flags)
        c.u16(ZipArchive.stored)
        c.u32(0)
        c.u32(m.crc)
        c.u32(bigSize ? 0xFFFF_FFFF : UInt32(m.size))
        c.u32(bigSize ? 0xFFFF_FFFF : UInt32(m.size))
        c.u16(UInt16(m.name.count))
        c.u16(UInt16(extra.bytes.count))
        c.u16(0); c.u16(0); c.u16(0)
        c.u32(0)
        c.u32(bigOffset ? 0xFFFF_FFFF : UInt32(m.localOffset))
        c.bytes += m.name
        c.bytes += extra.bytes
        return c
    }
}

/// Little-endian byte building for zip records.
struct ZipBytes {
    var bytes: [UInt8] = []
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
}
