import CkptCore
import Foundation

/// A zip archive's table of contents, read from the central directory of a mapped file.
///
/// Sizes and CRCs come from the central directory (torch's local headers hold zeros); each member's data
/// offset comes from its own local header (torch pads data with an `FB` extra field that only the local header
/// carries). Construction validates the whole layout, so a hostile file fails here with one error, not later.
public struct ZipArchive: Sendable {
    /// One member: name, compression method, sizes from the central directory, data offset from the local header.
    public struct Entry: Sendable {
        public var name: String
        /// 0 = STORED, 8 = DEFLATE.
        public var method: UInt16
        public var crc32: UInt32
        public var compressedSize: Int
        public var uncompressedSize: Int
        /// Absolute file offset of the member's (possibly compressed) data.
        public var dataOffset: Int
        /// Absolute file offset of the member's local header.
        public var localHeaderOffset: Int
        /// General-purpose flags from the central directory (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8).
        public var flags: UInt16
    }

    /// The zip methods ckpt reads.
    public static let stored: UInt16 = 0
    public static let deflated: UInt16 = 8

    public let file: MappedFile
    /// Members in central-directory order.
    public let entries: [Entry]
    private let index: [String: Int]

    /// Reads and validates the central directory of `file`.
    public init(_ file: MappedFile) throws {
        try self.init(file, offset: 0, count: file.size)
    }

    /// Reads and validates the zip that occupies `[offset, offset+count)` of `file` (a DCP `.distcp` file
    /// concatenates whole `torch.save` zips): its offsets are relative to `offset`; entries' offsets are absolute.
    public init(_ file: MappedFile, offset base: Int, count: Int) throws {
        self.file = file
        let (end, relative) = try file.withBytes(offset: base, count: count) { try ZipArchive.readDirectory($0) }
        try ZipArchive.checkNoOverlap(relative, directoryOffset: end.directoryOffset)
        let entries = relative.map { e -> Entry in
            var e = e
            e.dataOffset += base
            e.localHeaderOffset += base
            return e
        }
        var index: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            guard index.updateValue(i, forKey: e.name) == nil else {
                throw CheckpointError.malformed("zip member '\(e.name)' appears twice")
            }
        }
        self.entries = entries
        self.index = index
    }

    /// The member called `name`, if present.
    public func entry(named name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// The member's bytes: a mapped region for STORED members (no copy), inflated on demand for DEFLATE
    /// (output capped at the central directory's size, CRC checked).
    public func data(_ entry: Entry) throws -> ByteSource {
        switch entry.method {
        case ZipArchive.stored:
            return try .mapped(file, offset: entry.dataOffset, count: entry.uncompressedSize)
        case ZipArchive.deflated:
            let file = self.file
            let e = entry
            return .loader(count: entry.uncompressedSize) {
                let out = try file.withBytes(offset: e.dataOffset, count: e.compressedSize) {
                    try ZipInflate.inflate($0, expectedSize: e.uncompressedSize, name: e.name)
                }
                let crc = ZipCRC32.checksum(out)
                guard crc == e.crc32 else {
                    throw CheckpointError.malformed("zip member '\(e.name)' fails its CRC-32 check")
                }
                return out
            }
        default:
            throw CheckpointError.unsupported("zip member '\(entry.name)' uses compression method \(entry.method) (only STORED and DEFLATE are read)")
        }
    }

    /// The bytes of the member called `name`; `.notFound` when absent.
    public func data(named name: String) throws -> ByteSource {
        guard let e = entry(named: name) else { throw CheckpointError.notFound("zip has no member '\(name)'") }
        return try data(e)
    }

    /// The first `count` bytes of a member (at most its size), inflating only what is needed.
    public func prefix(_ entry: Entry, count: Int) throws -> [UInt8] {
        let n = min(max(count, 0), entry.uncompressedSize)
        switch entry.method {
        case ZipArchive.stored:
            return try file.copyBytes(offset: entry.dataOffset, count: n)
        case ZipArchive.deflated:
            return try file.withBytes(offset: entry.dataOffset, count: entry.compressedSize) {
                try ZipInflate.inflatePrefix($0, count: n, name: entry.name)
            }
        default:
            return try data(entry).slice(offset: 0, count: n).load()
        }
    }

    /// Checks a member's CRC-32 against its bytes (reads them all). torch may write CRC 0, so callers opt in.
    public func verifyCRC(_ entry: Entry) throws {
        let crc = try data(entry).withUnsafeBytes { ZipCRC32.checksum($0) }
        guard crc == entry.crc32 else {
            throw CheckpointError.malformed("zip member '\(entry.name)' fails its CRC-32 check")
        }
    }

    private static func checkNoOverlap(_ entries: [Entry], directoryOffset: Int) throws {
        let sorted = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (i, e) in sorted.enumerated() {
            let dataEnd = e.dataOffset + e.compressedSize
            guard dataEnd <= directoryOffset else {
                throw CheckpointError.malformed("zip member '\(e.name)' runs into the central directory")
            }
            if i + 1 < sorted.count, dataEnd > sorted[i + 1].localHeaderOffset {
                throw CheckpointError.malformed("zip members '\(e.name)' and '\(sorted[i + 1].name)' overlap")
            }
        }
    }
}
