/// Python integers beyond Int64, as pickle LONG1/LONG4 carry them: little-endian two's complement bytes
/// ⇄ decimal digits (`CheckpointValue.bigInt`). Sizes are small (at most `PickleOpcodeReader.maxLongBytes`).
enum PickleBigInt {
    /// Decimal digits (with a leading `-` when negative) of little-endian two's-complement bytes.
    static func decimal(twosComplement raw: [UInt8]) -> String {
        guard let top = raw.last else { return "0" }
        let negative = top & 0x80 != 0
        var magnitude = raw
        if negative {
            // Two's complement negation: invert and add one.
            var carry = 1
            for i in magnitude.indices {
                let v = Int(~magnitude[i]) + carry
                magnitude[i] = UInt8(truncatingIfNeeded: v)
                carry = v >> 8
            }
        }
        // Repeated division by 10 over big-endian limbs.
        var limbs = Array(magnitude.reversed())
        var digits: [Character] = []
        while limbs.contains(where: { $0 != 0 }) {
            var remainder = 0
            for i in limbs.indices {
                let v = remainder << 8 | Int(limbs[i])
                limbs[i] = UInt8(v / 10)
                remainder = v % 10
            }
            digits.append(Character(String(remainder)))
        }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(digits.reversed())
    }

    /// Minimal little-endian two's-complement bytes of a decimal integer (as Python's `encode_long`), or nil
    /// when `text` is not an integer.
    static func twosComplement(decimal text: String) -> [UInt8]? {
        var s = Substring(text)
        let negative = s.hasPrefix("-")
        if negative || s.hasPrefix("+") { s = s.dropFirst() }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Little-endian magnitude bytes: multiply by 10 and add each digit.
        var mag: [UInt8] = []
        for ch in s {
            var carry = Int(ch.asciiValue ?? 48) - 48
            for i in mag.indices {
                let v = Int(mag[i]) * 10 + carry
                mag[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            while carry > 0 { mag.append(UInt8(carry & 0xFF)); carry >>= 8 }
        }
        while mag.last == 0 { mag.removeLast() }
        guard let top = mag.last else { return [] }
        if !negative {
            if top & 0x80 != 0 { mag.append(0) }
            return mag
        }
        var out = mag
        var carry = 1
        for i in out.indices {
            let v = Int(~out[i]) + carry
            out[i] = UInt8(truncatingIfNeeded: v)
            carry = v >> 8
        }
        // A negative value needs its top bit set; -128 fits one byte, -129 needs two.
        if (out.last ?? 0) & 0x80 == 0 { out.append(0xFF) }
        // Drop redundant 0xFF bytes (keep the minimal form).
        while out.count > 1, out[out.count - 1] == 0xFF, out[out.count - 2] & 0x80 != 0 { out.removeLast() }
        return out
    }
}
