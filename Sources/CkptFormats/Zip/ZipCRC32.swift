import CKernels
import CZlib

/// CRC-32 (the zip/zlib polynomial), incrementally: folded with carry-less multiplication where the CPU has it
/// (`ckpt_crc32_fast`: VPCLMULQDQ on AVX-512 or PCLMULQDQ, 5–6× zlib's table-driven `crc32` on a 256 MiB buffer;
/// Benchmarks/README.md), zlib for the tail and on other CPUs. `.pt` archives checksum every byte they write.
public struct ZipCRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    /// Folds `bytes` into the checksum.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var remaining = bytes.count
        var fast = value
        let folded = ckpt_crc32_fast(&fast, p, remaining)
        p += folded
        remaining -= folded
        var crc = UInt(fast)
        while remaining > 0 {
            let n = min(remaining, 1 << 30)
            crc = CZlib.crc32(crc, p, UInt32(n))
            p += n
            remaining -= n
        }
        value = UInt32(truncatingIfNeeded: crc)
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ZipCRC32()
        c.update(bytes)
        return c.value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
