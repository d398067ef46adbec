/// Branch-free `exp`, `sigmoid` and `tanh` over buffers, written so the compiler vectorises the loops (no libm
/// calls, selects instead of branches). They serve fused kernels (the recurrent layers' gates) where libm's
/// scalar `tanhf`/`expf` dominated the time. Accuracy: a few ulp (relative error below 1e-6), not libm's
/// correctly-rounded-in-practice results, so the element-wise tensor ops keep libm.
enum VectorMath {
    /// `e^x` with Cephes' `expf` polynomial: `x = n·ln2 + r`, `e^r` by a degree-7 polynomial, `2^n` built from
    /// the exponent bits. Clamped to the normal range (results below 2^-126 come out as about 1.2e-38).
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let x = Swift.min(Swift.max(x, -87.3), 88.7)
        // Round x·log2(e) to the nearest integer by adding 1.5·2^23: n sits in the low mantissa bits.
        let magic: Float = 12_582_912
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * r * r + r + 1
        let scale = Float(bitPattern: (t.bitPattern &- magic.bitPattern &+ 127) &<< 23)
        return er * scale
    }

    /// `1 / (1 + e^-x)`, stable both ways with one exponential of `-|x|`.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        let e = exp(-Swift.abs(x))
        let s = 1 / (1 + e)
        return x >= 0 ? s : e * s
    }

    /// `tanh x`: Cephes' odd polynomial below |x| = 0.625, `1 - 2 / (e^{2|x|} + 1)` above, sign restored.
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let z = x * x
        var p: Float = -5.704_988_73e-3
        p = p * z + 2.063_908_88e-2
        p = p * z - 5.373_971_56e-2
        p = p * z + 1.333_144_22e-1
        p = p * z - 3.333_328_19e-1
        let small = p * z * x + x
        let large = 1 - 2 / (exp(2 * Swift.min(a, 10)) + 1)  // exactly 1 from |x| ≈ 9.1 on, as libm's
        return a < 0.625 ? small : (x < 0 ? -large : large)
    }

    /// Applies `sigmoid` to `count` elements in place.
    static func sigmoid(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0 ..< count { p[i] = sigmoid(p[i]) }
    }

    /// Applies `tanh` to `count` elements in place.
    static func tanh(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0 ..< count { p[i] = tanh(p[i]) }
    }
}
