import Testing
@testable import CkptCore

/// f16/bf16 conversions against Swift's own IEEE `Float16` and known bit patterns from numpy/ml_dtypes.
@Suite struct HalfConversionTests {
    @Test func everyHalfBitPatternDecodesLikeFloat16() {
        for bits in UInt16.min ... UInt16.max {
            let ours = HalfConversion.float(fromHalf: bits)
            let reference = Float(Float16(bitPattern: bits))
            if reference.isNaN { #expect(ours.isNaN); continue }
            #expect(ours.bitPattern == reference.bitPattern, "bits \(String(bits, radix: 16))")
        }
    }

    @Test func floatToHalfRoundsLikeFloat16() {
        var rng = SystemRandomNumberGenerator()
        var samples: [Float] = [0, -0, 1, -2, 0.1, 65504, 65519.99, 65520, 1e-8, 6e-8, 2.98e-8, 5.96e-8, 6.1e-5, .infinity, -.infinity]
        for _ in 0 ..< 200_000 {
            samples.append(Float(bitPattern: UInt32.random(in: 0x3000_0000 ... 0x4780_0000, using: &rng)) * (Bool.random() ? 1 : -1))
        }
        for f in samples {
            let ours = HalfConversion.half(fromFloat: f)
            #expect(ours == Float16(f).bitPattern, "value \(f)")
        }
        #expect(HalfConversion.half(fromFloat: .nan) & 0x7c00 == 0x7c00)
        #expect(HalfConversion.half(fromFloat: .nan) & 0x03ff != 0)
    }

    @Test func bfloat16KnownPatterns() {
        // From torch: torch.tensor([1.0, 0.1, 3.14159265, -2.5, 1e-40]).bfloat16().view(torch.int16)
        #expect(HalfConversion.bfloat16(fromFloat: 1.0) == 0x3F80)
        #expect(HalfConversion.bfloat16(fromFloat: 0.1) == 0x3DCD)
        #expect(HalfConversion.bfloat16(fromFloat: Float.pi) == 0x4049)
        #expect(HalfConversion.bfloat16(fromFloat: -2.5) == 0xC020)
        // Ties round to even: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7.
        #expect(HalfConversion.bfloat16(fromFloat: 1 + 1.0 / 256) == 0x3F80)
        #expect(HalfConversion.bfloat16(fromFloat: 1 + 3.0 / 256) == 0x3F82)
        #expect(HalfConversion.float(fromBFloat16: 0x4049) == Float(bitPattern: 0x4049_0000))
        #expect(HalfConversion.float(fromBFloat16: HalfConversion.bfloat16(fromFloat: .nan)).isNaN)
    }

    @Test func float8Decoding() {
        // e4m3fn: 0x38 = 1.0, 0x7e = 448 (max), 0x7f = NaN, 0x01 = 2^-9; e5m2: 0x3c = 1.0, 0x7b = 57344.
        #expect(HalfConversion.float(fromE4M3: 0x38) == 1)
        #expect(HalfConversion.float(fromE4M3: 0x7E) == 448)
        #expect(HalfConversion.float(fromE4M3: 0x7F).isNaN)
        #expect(HalfConversion.float(fromE4M3: 0x01) == 1.0 / 512)
        #expect(HalfConversion.float(fromE4M3: 0xB8) == -1)
        #expect(HalfConversion.float(fromE5M2: 0x3C) == 1)
        #expect(HalfConversion.float(fromE5M2: 0x7B) == 57344)
    }
}
