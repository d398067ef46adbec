import CkptCore
import Foundation

/// ggml's `dequantize_row_*` for the block-quantized types ckpt reads, as scalar loops that do the same
/// float32 operations in the same order (`ggml-quants.c`), so the values are bit-identical to ggml's and to
/// `gguf.quants.dequantize`'s. Blocks are little-endian; half-precision fields are IEEE binary16.
/// Legacy 32-element blocks are here, the 256-element super-blocks in `GGMLDequantizer+KQuants.swift`.
public enum GGMLDequantizer {
    /// Decodes one block at `src` into `blockElements` floats at `dst`.
    typealias BlockDecoder = (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void

    /// Blocks per parallel task; tensors of fewer blocks are decoded on the calling thread.
    static let blocksPerTask = 8192

    /// The block decoder for a quantized type, or nil when ckpt has none (plain types are not decoded here).
    static func blockDecoder(_ type: GGMLType) -> BlockDecoder? {
        switch type.name {
        case "q4_0": return q4_0
        case "q4_1": return q4_1
        case "q5_0": return q5_0
        case "q5_1": return q5_1
        case "q8_0": return q8_0
        case "iq4_nl": return iq4_nl
        case "q2_k": return q2_K
        case "q3_k": return q3_K
        case "q4_k": return q4_K
        case "q5_k": return q5_K
        case "q6_k": return q6_K
        case "q8_k": return q8_K
        case "iq4_xs": return iq4_xs
        default: return nil
        }
    }

    /// Decodes whole blocks of `type` to `count` float32 values, returned as little-endian bytes.
    /// Throws `.unsupported` for a type without a decoder and `.malformed` when the bytes are not `count` values' worth.
    public static func decode(_ type: GGMLType, _ src: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
        guard let decoder = blockDecoder(type) else {
            throw CheckpointError.unsupported("dequantizing \(type.name) is not supported yet")
        }
        guard let need = type.byteCount(elements: count), need == src.count,
              case let (outBytes, overflow) = count.multipliedReportingOverflow(by: 4), !overflow else {
            throw CheckpointError.malformed("\(src.count) bytes do not hold \(count) \(type.name) values")
        }
        let blocks = count / type.blockElements
        let elements = type.blockElements, size = type.blockBytes
        return [UInt8](unsafeUninitializedCapacity: outBytes) { out, initialized in
            guard let base = src.baseAddress, let o = UnsafeMutableRawPointer(out.baseAddress) else {
                initialized = 0
                return
            }
            let floats = o.bindMemory(to: Float.self, capacity: count)
            func run(_ range: Range<Int>) {
                for b in range { decoder(base + b * size, floats + b * elements) }
            }
            let tasks = (blocks + blocksPerTask - 1) / blocksPerTask
            if tasks <= 1 {
                run(0 ..< blocks)
            } else {
                DispatchQueue.concurrentPerform(iterations: tasks) { t in
                    run(t * blocksPerTask ..< min(blocks, (t + 1) * blocksPerTask))
                }
            }
            initialized = outBytes
        }
    }

    /// An IEEE binary16 field at `offset`.
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfConversion.float(fromHalf: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always)
    static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> Int { Int(p.load(fromByteOffset: offset, as: UInt8.self)) }

    /// IQ4_NL's non-linear 4-bit levels (`kvalues_iq4nl`).
    static let iq4Levels: [Float] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    // Legacy blocks of 32: element j takes the low nibble of qs[j], element j+16 the high nibble.

    /// block_q4_0 { d f16; qs[16] }: d·(nibble − 8).
    static func q4_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        for j in 0 ..< 16 {
            let q = byte(p, 2 + j)
            y[j] = Float((q & 0x0F) - 8) * d
            y[j + 16] = Float((q >> 4) - 8) * d
        }
    }

    /// block_q4_1 { d f16; m f16; qs[16] }: d·nibble + m.
    static func q4_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), m = half(p, 2)
        for j in 0 ..< 16 {
            let q = byte(p, 4 + j)
            y[j] = Float(q & 0x0F) * d + m
            y[j + 16] = Float(q >> 4) * d + m
        }
    }

    /// block_q5_0 { d f16; qh u32; qs[16] }: d·((nibble | bit<<4) − 16), bit i of qh for element i.
    static func q5_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        for j in 0 ..< 16 {
            let q = byte(p, 6 + j)
            let h0 = Int((qh >> UInt32(j)) << 4) & 0x10
            let h1 = Int(qh >> UInt32(j + 12)) & 0x10
            y[j] = Float(((q & 0x0F) | h0) - 16) * d
            y[j + 16] = Float(((q >> 4) | h1) - 16) * d
        }
    }

    /// block_q5_1 { d f16; m f16; qh u32; qs[16] }: d·(nibble | bit<<4) + m.
    static func q5_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), m = half(p, 2)
        let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        for j in 0 ..< 16 {
            let q = byte(p, 8 + j)
            let h0 = Int((qh >> UInt32(j)) << 4) & 0x10
            let h1 = Int(qh >> UInt32(j + 12)) & 0x10
            y[j] = Float((q & 0x0F) | h0) * d + m
            y[j + 16] = Float((q >> 4) | h1) * d + m
        }
    }

    /// block_q8_0 { d f16; qs int8[32] }: q·d.
    static func q8_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        for j in 0 ..< 32 { y[j] = Float(p.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
    }

    /// block_iq4_nl { d f16; qs[16] }: d·level[nibble].
    static func iq4_nl(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        iq4Levels.withUnsafeBufferPointer { levels in
            for j in 0 ..< 16 {
                let q = byte(p, 2 + j)
                y[j] = d * levels[q & 0x0F]
                y[j + 16] = d * levels[q >> 4]
            }
        }
    }
}
