import CKernels
import Testing
@testable import CkptFormats

/// ZipCRC32 folds most bytes with carry-less multiplication (`ckpt_crc32_fast`: 512-bit VPCLMULQDQ, or the
/// 128-bit PCLMULQDQ loop) and the tail with zlib; every split must give the CRC-32 a plain bitwise loop gives.
@Suite(.serialized) struct ZipCRC32Tests {
    /// The reflected CRC-32 of zip and zlib (polynomial 0xEDB88320), one bit at a time.
    static func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test func theCheckValue() {
        #expect(ZipCRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    /// Lengths around the 16-, 64- and 256-byte steps of both folding loops, at unaligned starts, whole and in
    /// two uneven pieces (the running value carries across calls).
    @Test(arguments: [0, 1])
    func matchesTheBitwiseLoop(narrow: Int32) {
        ckpt_crc32_narrow = narrow
        defer { ckpt_crc32_narrow = 0 }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let data = (0 ..< 5000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let lengths = [0, 1, 15, 16, 17, 63, 64, 65, 127, 255, 256, 257, 271, 511, 512, 1000, 1023, 4093]
        for length in lengths {
            for start in [0, 1, 3] {
                let slice = data[start ..< start + length]
                let expected = Self.bitwise(slice)
                let whole = slice.withUnsafeBytes { ZipCRC32.checksum($0) }
                var pieces = ZipCRC32()
                let cut = length / 3
                slice.withUnsafeBytes { raw in
                    pieces.update(UnsafeRawBufferPointer(rebasing: raw[0 ..< cut]))
                    pieces.update(UnsafeRawBufferPointer(rebasing: raw[cut ..< length]))
                }
                #expect(whole == expected, "length \(length) at \(start)")
                #expect(pieces.value == expected, "length \(length) at \(start) in two pieces")
            }
        }
    }
}
