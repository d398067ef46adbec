/// Bit-exact IEEE binary16 and bfloat16 conversions (round to nearest even), independent of platform `Float16`.
public enum HalfConversion {
    /// binary16 bits → Float.
    @inlinable
    public static func float(fromHalf h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = Int(h >> 10) & 0x1f
        let mant = UInt32(h & 0x03ff)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            // Subnormal: value = mant * 2^-24.
            let v = Float(mant) * Float(bitPattern: 0x3380_0000)
            return sign != 0 ? -v : v
        }
        if exp == 0x1f {
            return Float(bitPattern: sign | 0x7f80_0000 | (mant << 13))
        }
        return Float(bitPattern: sign | UInt32(exp + 112) << 23 | mant << 13)
    }

    /// Float → binary16 bits, rounding to nearest even; overflow gives ±inf, NaN stays NaN.
    @inlinable
    public static func half(fromFloat f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exp = Int((bits >> 23) & 0xff)
        var mant = bits & 0x7f_ffff
        if exp == 0xff {
            return sign | 0x7c00 | (mant != 0 ? UInt16(0x200 | (mant >> 13)) : 0)
        }
        let e = exp - 127 + 15
        if e >= 0x1f { return sign | 0x7c00 }
        if e <= 0 {
            if e < -10 { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - e)
            var h = mant >> shift
            let rem = mant & ((1 << shift) - 1)
            let half = UInt32(1) << (shift - 1)
            if rem > half || (rem == half && (h & 1) == 1) { h += 1 }
            return sign | UInt16(h)
        }
        var h = UInt32(e) << 10 | (mant >> 13)
        let rem = mant & 0x1fff
        if rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1) { h += 1 }
        return sign | UInt16(truncatingIfNeeded: h)
    }

    /// bfloat16 bits → Float (exact).
    @inlinable
    public static func float(fromBFloat16 b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

    /// Float → bfloat16 bits, rounding to nearest even as PyTorch does; NaN stays a quiet NaN.
    @inlinable
    public static func bfloat16(fromFloat f: Float) -> UInt16 {
        let bits = f.bitPattern
        if f.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 0x40) }
        let rounding = UInt32(0x7fff) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// float8 e4m3fn bits → Float (no infinities; 0x7f/0xff are NaN).
    @inlinable
    public static func float(fromE4M3 b: UInt8) -> Float {
        let sign: Float = (b & 0x80) != 0 ? -1 : 1
        let exp = Int(b >> 3) & 0xf
        let mant = Float(b & 0x7)
        if exp == 0xf && (b & 0x7) == 0x7 { return .nan }
        if exp == 0 { return sign * mant / 8 * 0.015625 }
        return sign * (1 + mant / 8) * Float(sign: .plus, exponent: exp - 7, significand: 1)
    }

    /// float8 e5m2 bits → Float (the top byte of a binary16).
    @inlinable
    public static func float(fromE5M2 b: UInt8) -> Float { float(fromHalf: UInt16(b) << 8) }
}
