import CkptCore

/// The 256-element super-blocks (`QK_K`): Q2_K … Q6_K, Q8_K and IQ4_XS, each as ggml's `dequantize_row_*`
/// walks it. In the loops, a super-block is two halves of 128 (h), each four groups of 32 (j), l the index
/// inside a group.
extension GGMLDequantizer {
    /// block_q2_K { scales[16]; qs[64]; d f16; dmin f16 }: scale byte s per 16 elements,
    /// (d·(s & 15))·q − dmin·(s >> 4), q two bits of qs[32h + l] at shift 2j.
    static func q2_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 80), dmin = half(p, 82)
        var out = y
        var scale = 0
        for h in 0 ..< 2 {
            for j in 0 ..< 4 {
                for part in 0 ..< 2 {
                    let s = byte(p, scale)
                    scale += 1
                    let dl = d * Float(s & 0x0F), ml = dmin * Float(s >> 4)
                    for l in 0 ..< 16 {
                        let q = (byte(p, 16 + 32 * h + 16 * part + l) >> (2 * j)) & 3
                        out[l] = dl * Float(q) - ml
                    }
                    out += 16
                }
            }
        }
    }

    /// The 16 six-bit scales of Q3_K packed in 12 bytes at `offset`, with their offset of 32 removed.
    static func q3Scales(_ p: UnsafeRawPointer, _ offset: Int) -> [Int] {
        (0 ..< 16).map { k in
            let low = k < 8 ? byte(p, offset + k) & 0x0F : byte(p, offset + k - 8) >> 4
            let high = (byte(p, offset + 8 + (k & 3)) >> (2 * (k >> 2))) & 3
            return (low | high << 4) - 32
        }
    }

    /// block_q3_K { hmask[32]; qs[64]; scales[12]; d f16 }: (d·scale)·q, q = two bits of qs[32h + l] at
    /// shift 2j, minus 4 when bit 4h + j of hmask[l] is clear.
    static func q3_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 108)
        let scales = q3Scales(p, 96)
        var out = y
        var scale = 0
        for h in 0 ..< 2 {
            for j in 0 ..< 4 {
                let mask = 1 << (4 * h + j)
                for part in 0 ..< 2 {
                    let dl = d * Float(scales[scale])
                    scale += 1
                    for l in 16 * part ..< 16 * part + 16 {
                        let low = (byte(p, 32 + 32 * h + l) >> (2 * j)) & 3
                        let q = low - ((byte(p, l) & mask) != 0 ? 0 : 4)
                        out[l - 16 * part] = dl * Float(q)
                    }
                    out += 16
                }
            }
        }
    }

    /// `get_scale_min_k4`: the (scale, min) pair `j` of the 8 six-bit pairs packed in 12 bytes at `offset`.
    @inline(__always)
    static func scaleMinK4(_ p: UnsafeRawPointer, _ offset: Int, _ j: Int) -> (Float, Float) {
        if j < 4 {
            return (Float(byte(p, offset + j) & 63), Float(byte(p, offset + j + 4) & 63))
        }
        let scale = (byte(p, offset + j + 4) & 0x0F) | (byte(p, offset + j - 4) >> 6) << 4
        let min = (byte(p, offset + j + 4) >> 4) | (byte(p, offset + j) >> 6) << 4
        return (Float(scale), Float(min))
    }

    /// block_q4_K { d f16; dmin f16; scales[12]; qs[128] }: per group of 32, (d·scale)·q − dmin·min; groups
    /// 2k and 2k+1 take the low and high nibbles of qs[32k …].
    static func q4_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        for k in 0 ..< 4 {
            let (s1, m1) = scaleMinK4(p, 4, 2 * k), (s2, m2) = scaleMinK4(p, 4, 2 * k + 1)
            let d1 = d * s1, min1 = dmin * m1, d2 = d * s2, min2 = dmin * m2
            let out = y + 64 * k
            for l in 0 ..< 32 {
                let q = byte(p, 16 + 32 * k + l)
                out[l] = d1 * Float(q & 0x0F) - min1
                out[l + 32] = d2 * Float(q >> 4) - min2
            }
        }
    }

    /// block_q5_K { d f16; dmin f16; scales[12]; qh[32]; qs[128] }: as Q4_K with 16 added to the quant of
    /// group g when bit g of qh[l] is set.
    static func q5_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        for k in 0 ..< 4 {
            let (s1, m1) = scaleMinK4(p, 4, 2 * k), (s2, m2) = scaleMinK4(p, 4, 2 * k + 1)
            let d1 = d * s1, min1 = dmin * m1, d2 = d * s2, min2 = dmin * m2
            let u1 = 1 << (2 * k), u2 = 2 << (2 * k)
            let out = y + 64 * k
            for l in 0 ..< 32 {
                let q = byte(p, 48 + 32 * k + l), h = byte(p, 16 + l)
                out[l] = d1 * Float((q & 0x0F) + ((h & u1) != 0 ? 16 : 0)) - min1
                out[l + 32] = d2 * Float((q >> 4) + ((h & u2) != 0 ? 16 : 0)) - min2
            }
        }
    }

    /// block_q6_K { ql[128]; qh[64]; scales int8[16]; d f16 }: (d·scale)·(q − 32), q = 4 low bits from ql and
    /// 2 high bits from qh.
    static func q6_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 208)
        func scale(_ i: Int) -> Float { Float(p.load(fromByteOffset: 192 + i, as: Int8.self)) }
        for h in 0 ..< 2 {
            let ql = 64 * h, qh = 128 + 32 * h, sc = 8 * h
            let out = y + 128 * h
            for l in 0 ..< 32 {
                let s = l / 16
                let a = byte(p, ql + l), b = byte(p, ql + l + 32), hi = byte(p, qh + l)
                let q1 = ((a & 0x0F) | ((hi >> 0) & 3) << 4) - 32
                let q2 = ((b & 0x0F) | ((hi >> 2) & 3) << 4) - 32
                let q3 = ((a >> 4) | ((hi >> 4) & 3) << 4) - 32
                let q4 = ((b >> 4) | ((hi >> 6) & 3) << 4) - 32
                out[l] = d * scale(sc + s) * Float(q1)
                out[l + 32] = d * scale(sc + s + 2) * Float(q2)
                out[l + 64] = d * scale(sc + s + 4) * Float(q3)
                out[l + 96] = d * scale(sc + s + 6) * Float(q4)
            }
        }
    }

    /// block_q8_K { d f32; qs int8[256]; bsums int16[16] }: d·q (the sums are redundant).
    static func q8_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        for j in 0 ..< 256 { y[j] = d * Float(p.load(fromByteOffset: 4 + j, as: Int8.self)) }
    }

    /// block_iq4_xs { d f16; scales_h u16; scales_l[4]; qs[128] }: per group g of 32, a six-bit scale ls from
    /// scales_l and scales_h, then (d·(ls − 32))·level[nibble] with qs[16g …] laid out as in IQ4_NL.
    static func iq4_xs(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let high = Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        iq4Levels.withUnsafeBufferPointer { levels in
            for g in 0 ..< 8 {
                let ls = ((byte(p, 4 + g / 2) >> (4 * (g % 2))) & 0x0F) | ((high >> (2 * g)) & 3) << 4
                let dl = d * Float(ls - 32)
                let out = y + 32 * g
                for j in 0 ..< 16 {
                    let q = byte(p, 8 + 16 * g + j)
                    out[j] = dl * levels[q & 0x0F]
                    out[j + 16] = dl * levels[q >> 4]
                }
            }
        }
    }
}
