import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct ZipWriterTests {
    static func members() -> [(String, [UInt8])] {
        var rng = SystemRandomNumberGenerator()
        return [
            ("arch/data.pkl", Array("pickle bytes".utf8)),
            ("arch/empty", []),
            ("arch/data/0", (0 ..< 1000).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }),
            ("arch/data/1", [UInt8](repeating: 7, count: 3 << 20)),
            ("arch/version", Array("3\n".utf8)),
        ]
    }

    static func write(_ members: [(String, [UInt8])], to path: String, alignment: Int = 64, zip64Limit: Int = 0xFFFF_FFFF) throws {
        let w = try ZipWriter(path: path, alignment: alignment, zip64Limit: zip64Limit)
        for (name, bytes) in members {
            if bytes.count > 1 << 20 {
                // Stream big members in uneven pieces, as a tensor writer does.
                try w.begin(name, size: bytes.count)
                var i = 0
                while i < bytes.count {
                    let n = min(bytes.count - i, 300_001)
                    try bytes.withUnsafeBytes { try w.write(UnsafeRawBufferPointer(rebasing: $0[i ..< i + n])) }
                    i += n
                }
                try w.end()
            } else {
                try w.add(name, bytes: bytes)
            }
        }
        try w.finish()
    }

    static func expectReadsBack(_ path: String, _ members: [(String, [UInt8])], alignment: Int) throws {
        let zip = try ZipArchive(MappedFile(path: path))
        #expect(zip.entries.map(\.name) == members.map(\.0))
        for (name, bytes) in members {
            let e = try #require(zip.entry(named: name))
            #expect(e.method == ZipArchive.stored && e.uncompressedSize == bytes.count)
            #expect(e.dataOffset % alignment == 0, "\(name) at \(e.dataOffset)")
            #expect(e.crc32 == ZipCRC32.checksum(bytes))
            #expect(try zip.data(e).load() == bytes)
            try zip.verifyCRC(e)
        }
    }

    @Test(arguments: [64, 1, 4096])
    func writesAlignedMembersThatReadBack(alignment: Int) throws {
        let path = Temporary.path(".zip")
        defer { unlink(path) }
        let m = Self.members()
        try Self.write(m, to: path, alignment: alignment)
        try Self.expectReadsBack(path, m, alignment: alignment)
    }

    @Test func zip64RecordsReadBack() throws {
        let path = Temporary.path(".zip")
        defer { unlink(path) }
        let m = Self.members()
        try Self.write(m, to: path, zip64Limit: 200)
        let raw = try MappedFile(path: path)
        let tail = try raw.copyBytes(offset: raw.size - 42, count: 4)
        #expect(tail == [0x50, 0x4B, 0x06, 0x07], "zip64 locator before the end record")
        let end = try raw.copyBytes(offset: raw.size - 10, count: 8)
        #expect(end == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "32-bit directory fields saturated")
        try Self.expectReadsBack(path, m, alignment: 64)
        // Like miniz: the local zip64 extra holds only what overflows — both sizes (the compressed one left 0)
        // for a big member, plus the header offset for a member that starts past the limit — and a 24-byte
        // descriptor follows the data.
        func le(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(v).littleEndian) { Array($0) } }
        let zip = try ZipArchive(raw)
        let first = try #require(zip.entry(named: "arch/data/0"))
        #expect(first.localHeaderOffset < 200)
        let extra0 = try raw.copyBytes(offset: first.localHeaderOffset + 30 + 11, count: 22)
        #expect(extra0 == [1, 0, 16, 0] + le(1000) + le(0) + [0x46, 0x42])
        let second = try #require(zip.entry(named: "arch/data/1"))
        let extra1 = try raw.copyBytes(offset: second.localHeaderOffset + 30 + 11, count: 30)
        #expect(extra1 == [1, 0, 24, 0] + le(3 << 20) + le(0) + le(second.localHeaderOffset) + [0x46, 0x42])
        #expect(try raw.copyBytes(offset: first.dataOffset + 1000, count: 4) == [0x50, 0x4B, 7, 8])
        #expect(first.dataOffset + 1000 + 24 <= second.localHeaderOffset)
    }

    @Test func layoutMatchesTorch() throws {
        let path = Temporary.path(".zip")
        defer { unlink(path) }
        try Self.write([("sd/data.pkl", [1, 2, 3])], to: path)
        let f = try MappedFile(path: path)
        let h = try f.copyBytes(offset: 0, count: 64)
        // Local header: version 0, flags 0x0808, STORED, zero time/CRC/sizes, then "FB" padding to 64.
        #expect(Array(h[0 ..< 30]) == [0x50, 0x4B, 3, 4, 0, 0, 8, 8, 0, 0] + [UInt8](repeating: 0, count: 16) + [11, 0, 23, 0])
        #expect(Array(h[41 ..< 45]) == [0x46, 0x42, 19, 0])
        #expect(h[45 ..< 64].allSatisfy { $0 == 0x5A })
        #expect(try f.copyBytes(offset: 64, count: 7) == [1, 2, 3, 0x50, 0x4B, 7, 8])
    }

    /// Copying every record of a real torch.save archive gives the same bytes torch wrote.
    @Test func rewritingTorchArchiveIsByteIdentical() throws {
        let source = try Fixtures.map("flat/torch_small.pt")
        let src = try ZipArchive(source)
        let path = Temporary.path(".pt")
        defer { unlink(path) }
        let w = try ZipWriter(path: path)
        for e in src.entries { try w.add(e.name, bytes: try src.data(e).load()) }
        try w.finish()
        let copy = try MappedFile(path: path)
        #expect(copy.size == source.size)
        #expect(try copy.copyBytes(offset: 0, count: copy.size) == source.copyBytes(offset: 0, count: source.size))
    }

    @Test func misuseIsAnError() throws {
        let path = Temporary.path(".zip")
        defer { unlink(path) }
        let w = try ZipWriter(path: path)
        try w.add("a", bytes: [1])
        #expect(throws: CheckpointError.self) { try w.add("a", bytes: [2]) }
        try w.begin("b", size: 2)
        #expect(throws: CheckpointError.self) { try [UInt8](repeating: 0, count: 3).withUnsafeBytes { try w.write($0) } }
        #expect(throws: CheckpointError.self) { try w.end() }
        #expect(throws: CheckpointError.self) { try w.finish() }
    }
}
