import CkptCore

/// A histogram of a tensor's finite values over dyadic bins: bin `i` holds the values `v` with
/// `floor(v / 2^exponent) == start + i`, so every edge is an integer multiple of the width `2^exponent`.
///
/// The exponent is the smallest one, not below the values' resolution (the exponent of the largest |value|'s last
/// mantissa bit as a Double, and at least 0 for integer dtypes), at which the finite values span at most `maxBins`
/// bins. Because dyadic bins nest, histograms of parts of a tensor merge exactly (coarsen the finer one, add counts), and the
/// result does not depend on how the tensor was split: one pass over the values, in parallel chunks, gives the
/// same counts as numpy's `bincount(floor(ldexp(v, -exponent)) - start)` over the whole tensor.
public struct TensorHistogram: Codable, Sendable, Equatable {
    /// Most bins a histogram has (a tensor's values span between about half that and that many).
    public static let maxBins = 64
    /// Smallest exponent: the width of one subnormal step.
    static let minExponent = -1074

    /// log2 of the bin width.
    public var exponent: Int
    /// `floor(v / 2^exponent)` of the first bin's values.
    public var start: Int
    /// Values per bin; the first and last bins are never empty.
    public var counts: [Int]

    enum CodingKeys: String, CodingKey { case exponent, start, counts, lo, width }

    public init(exponent: Int, start: Int, counts: [Int]) {
        self.exponent = exponent; self.start = start; self.counts = counts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exponent = try c.decode(Int.self, forKey: .exponent)
        start = try c.decode(Int.self, forKey: .start)
        counts = try c.decode([Int].self, forKey: .counts)
    }

    /// Also `lo` (the first bin's lower edge) and `width`, so that a reader needs no power of two.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(exponent, forKey: .exponent)
        try c.encode(start, forKey: .start)
        try c.encode(counts, forKey: .counts)
        try c.encode(lo, forKey: .lo)
        try c.encode(width, forKey: .width)
    }

    /// The bin width, `2^exponent`.
    public var width: Double { Double(sign: .plus, exponent: exponent, significand: 1) }
    /// The first bin's lower edge.
    public var lo: Double { Double(sign: .plus, exponent: exponent, significand: Double(start)) }
    /// The last bin's upper edge.
    public var hi: Double { Double(sign: .plus, exponent: exponent, significand: Double(start + counts.count)) }

    /// An empty histogram whose bins cover `lo ... hi` (finite, `lo <= hi`) of values of `dtype`.
    init(covering lo: Double, _ hi: Double, dtype: DType) {
        let magnitude = Swift.max(Swift.abs(lo), Swift.abs(hi))
        // The resolution of the values as Doubles: their largest one's last mantissa bit; integers are at least 1 apart
        // (and past 2^53, as Doubles, 2^(exponent - 52) apart: bins never number past 2^53, so they fit an Int).
        let resolution = magnitude > 0 ? Int(magnitude.exponent) - 52 : Self.minExponent
        var e = dtype.isFloatingPoint || dtype.isComplex ? Swift.max(Self.minExponent, resolution) : Swift.max(0, resolution)
        let range = hi - lo
        // Below exponent(range) - 7 the values span more than 64 bins: start the search there.
        if range.isFinite, range > 0 { e = Swift.max(e, Int(range.exponent) - 7) }
        while Self.index(hi, e) - Self.index(lo, e) + 1 > Self.maxBins { e += 1 }
        exponent = e
        start = Self.index(lo, e)
        counts = [Int](repeating: 0, count: Self.index(hi, e) - start + 1)
    }

    /// `floor(v / 2^e)`: exact, since scaling by a power of two is, except that a negative value scaled below the
    /// smallest subnormal rounds to -0, whose bin is -1.
    @inline(__always)
    static func index(_ v: Double, _ e: Int) -> Int {
        let x = Double(sign: .plus, exponent: -e, significand: v)
        return x == 0 && v < 0 ? -1 : floor(x)
    }

    /// `floor(v / 2^exponent)` given `scale` = `2^-exponent` as a normal Double (then the product is exact).
    @inline(__always)
    static func bin(_ v: Double, scaledBy scale: Double) -> Int {
        let x = v * scale
        return x == 0 && v < 0 ? -1 : floor(x)
    }

    /// `Int(x.rounded(.down))` for |x| < 2^62 (bins number at most 2^53), from a truncating conversion: one instruction
    /// where `rounded(.down)` calls libm's floor on baseline x86-64.
    @inline(__always)
    static func floor(_ x: Double) -> Int {
        let t = Int(x)
        return Double(t) > x ? t - 1 : t
    }

    /// `2^-exponent` when it is a normal Double (multiplying by it is then exact scaling), else nil.
    var scale: Double? {
        -exponent <= Double.greatestFiniteMagnitude.exponent ? Double(sign: .plus, exponent: -exponent, significand: 1) : nil
    }

    /// The same counts in bins `2^shift` times wider.
    func coarsened(by shift: Int) -> TensorHistogram {
        guard shift > 0 else { return self }
        let first = start >> shift, last = (start + counts.count - 1) >> shift
        var out = [Int](repeating: 0, count: last - first + 1)
        for (i, n) in counts.enumerated() { out[((start + i) >> shift) - first] += n }
        return TensorHistogram(exponent: exponent + shift, start: first, counts: out)
    }

    /// Both histograms' counts together, at the smallest common exponent that keeps at most `maxBins` bins.
    func merged(with other: TensorHistogram) -> TensorHistogram {
        var e = Swift.max(exponent, other.exponent)
        func span(_ h: TensorHistogram, _ e: Int) -> (Int, Int) {
            let d = e - h.exponent
            return (h.start >> d, (h.start + h.counts.count - 1) >> d)
        }
        while true {
            let (a0, a1) = span(self, e), (b0, b1) = span(other, e)
            if Swift.max(a1, b1) - Swift.min(a0, b0) + 1 <= Self.maxBins { break }
            e += 1
        }
        let a = coarsened(by: e - exponent), b = other.coarsened(by: e - other.exponent)
        let first = Swift.min(a.start, b.start)
        var out = [Int](repeating: 0, count: Swift.max(a.start + a.counts.count, b.start + b.counts.count) - first)
        for (i, n) in a.counts.enumerated() { out[a.start - first + i] += n }
        for (i, n) in b.counts.enumerated() { out[b.start - first + i] += n }
        return TensorHistogram(exponent: e, start: first, counts: out)
    }
}
