import CkptCore
import Foundation

/// Summary statistics of a tensor's values, computed in Float64 over any dtype: `min`, `max`, `mean` and
/// `std` (unbiased, as `torch.std`) over the finite elements, and the counts of NaN and ±Inf elements.
/// A statistic with no finite elements to describe (or `std` of fewer than two) is `nil` (`null` in JSON).
/// Complex tensors are described by their real parts.
public struct TensorStats: Codable, Sendable, Equatable {
    @NullWhenNil public var min: Double?
    @NullWhenNil public var max: Double?
    @NullWhenNil public var mean: Double?
    @NullWhenNil public var std: Double?
    public var nan: Int
    public var inf: Int

    public init(min: Double?, max: Double?, mean: Double?, std: Double?, nan: Int, inf: Int) {
        self.min = min; self.max = max; self.mean = mean; self.std = std; self.nan = nan; self.inf = inf
    }

    /// Elements per chunk; chunks are reduced in parallel past `parallelThreshold` elements.
    static let chunk = 1 << 20
    static let parallelThreshold = 1 << 22

    /// The statistics of `t`, streaming over its bytes once per chunk (no Float64 copy of the tensor).
    public static func compute(_ t: TensorEntry) throws -> TensorStats {
        try summarize(t, histogram: false).stats
    }

    /// The statistics of `t` and, with `histogram`, the histogram of its finite values, from the same pass over its
    /// values: each chunk's values are read once, and each chunk's pages are released once it is done.
    public static func summarize(_ t: TensorEntry, histogram: Bool) throws -> (stats: TensorStats, histogram: TensorHistogram?) {
        let acc = try accumulate(t, histogram: histogram, chunk: chunk, parallelThreshold: parallelThreshold)
        return (acc.stats, acc.histogram)
    }

    static func compute(_ t: TensorEntry, chunk: Int, parallelThreshold: Int) throws -> TensorStats {
        try accumulate(t, histogram: false, chunk: chunk, parallelThreshold: parallelThreshold).stats
    }

    static func accumulate(_ t: TensorEntry, histogram: Bool, chunk: Int, parallelThreshold: Int) throws -> Accumulator {
        let n = t.numel
        let dtype = t.dtype
        func part(_ raw: UnsafeRawBufferPointer, _ r: Range<Int>) -> Accumulator {
            defer { t.releasePages(elements: r) }
            return Accumulator(raw, dtype: dtype, range: r, histogram: histogram)
        }
        return try t.withContiguousBytes { raw in
            let chunks = (n + chunk - 1) / chunk
            if chunks <= 1 || n < parallelThreshold {
                var total = Accumulator()
                var start = 0
                while start < n {
                    total.merge(part(raw, start ..< Swift.min(n, start + chunk)))
                    start += chunk
                }
                return total
            }
            var parts = [Accumulator](repeating: Accumulator(), count: chunks)
            parts.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    base?[c] = part(raw, c * chunk ..< Swift.min(n, (c + 1) * chunk))
                }
            }
            return parts.reduce(into: Accumulator()) { $0.merge($1) }
        }
    }
}

/// Partial moments of a run of elements; merged with Chan et al.'s pairwise update.
struct Accumulator {
    var count = 0
    var mean = 0.0
    var m2 = 0.0
    var lo = Double.infinity
    var hi = -Double.infinity
    var nan = 0
    var inf = 0
    /// Past `|v| = 2^480` squares could overflow, below `2^-400` underflow: `m2` is then kept as
    /// `Σ((v − mean)·2^-shift)²` (`shift` 0 otherwise), so that the std of values near the largest Doubles is a number
    /// (torch and numpy give inf) and that of subnormal values is not 0.
    var shift = 0
    static let scaledMagnitudes: (below: Double, from: Double) = (0x1p-400, 0x1p480)

    /// The histogram of the finite elements, when asked for.
    var histogram: TensorHistogram?

    init() {}

    /// Two passes over `range` (in cache): the mean, range and counts, then squared deviations from the mean (and,
    /// with `histogram`, the bins, whose edges the range fixes).
    init(_ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>, histogram: Bool = false) {
        var sum = 0.0
        Accumulator.forEach(raw, dtype: dtype, range: range) { v in
            if v.isNaN { nan += 1 } else if v.isInfinite { inf += 1 } else {
                count += 1
                sum += v
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
        }
        guard count > 0 else { return }
        shift = Self.shift(for: Swift.max(Swift.abs(lo), Swift.abs(hi)))
        mean = sum.isFinite ? sum / Double(count) : scaledMean(raw, dtype: dtype, range: range)
        var m2 = 0.0
        let mu = mean
        if histogram {
            var h = TensorHistogram(covering: lo, hi, dtype: dtype)
            let start = h.start, exponent = h.exponent, n = h.counts.count
            // Four interleaved sets of bins, so that runs of values in one bin do not wait on each other's increments.
            // The bins cover this run's [lo, hi] by construction, so every finite value's bin is in range.
            var lanes = [Int](repeating: 0, count: 4 * n)
            lanes.withUnsafeMutableBufferPointer { buffer in
                guard let bins = buffer.baseAddress else { return }
                var lane = 0
                func tally(_ i: Int) {
                    bins[lane &* n &+ i &- start] &+= 1
                    lane = (lane &+ 1) & 3
                }
                if let scale = h.scale {
                    Accumulator.forEach(raw, dtype: dtype, range: range) { v in
                        guard v.isFinite else { return }
                        m2 += (v - mu) * (v - mu)
                        tally(TensorHistogram.bin(v, scaledBy: scale))
                    }
                } else {
                    Accumulator.forEach(raw, dtype: dtype, range: range) { v in
                        guard v.isFinite else { return }
                        m2 += (v - mu) * (v - mu)
                        tally(TensorHistogram.index(v, exponent))
                    }
                }
            }
            for i in 0 ..< n { h.counts[i] = lanes[i] + lanes[n + i] + lanes[2 * n + i] + lanes[3 * n + i] }
            self.histogram = h
        } else {
            Accumulator.forEach(raw, dtype: dtype, range: range) { v in
                if v.isFinite { m2 += (v - mu) * (v - mu) }
            }
        }
        self.m2 = shift == 0 ? m2 : scaledM2(raw, dtype: dtype, range: range)
    }

    /// The shift for values of largest magnitude `m`: 0 where squares neither overflow nor underflow, else m's
    /// exponent (at least -1000, so that `2^-shift` is a normal Double).
    static func shift(for m: Double) -> Int {
        m >= scaledMagnitudes.from || (m > 0 && m < scaledMagnitudes.below) ? Swift.max(-1000, Int(m.exponent)) : 0
    }

    /// `2^-shift`, exact.
    var scale: Double { Double(sign: .plus, exponent: -shift, significand: 1) }

    /// The mean of values whose sum overflows: the mean of the scaled values, scaled back.
    func scaledMean(_ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>) -> Double {
        var sum = 0.0
        let s = scale
        Accumulator.forEach(raw, dtype: dtype, range: range) { v in if v.isFinite { sum += v * s } }
        return Double(sign: .plus, exponent: shift, significand: sum / Double(count))
    }

    /// `Σ((v − mean)·2^-shift)²`, each term scaled before it is squared.
    func scaledM2(_ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>) -> Double {
        var m2 = 0.0
        let s = scale, mu = mean * s
        Accumulator.forEach(raw, dtype: dtype, range: range) { v in
            if v.isFinite { let d = v * s - mu; m2 += d * d }
        }
        return m2
    }

    mutating func merge(_ o: Accumulator) {
        nan += o.nan
        inf += o.inf
        guard o.count > 0 else { return }
        if count == 0 { let (n, i) = (nan, inf); self = o; nan = n; inf = i; return }
        let n = Double(count + o.count)
        let e = Self.shift(for: Swift.max(Swift.abs(lo), Swift.abs(hi), Swift.abs(o.lo), Swift.abs(o.hi)))
        if e == 0 && shift == 0 && o.shift == 0 {
            let delta = o.mean - mean
            m2 += o.m2 + delta * delta * Double(count) * Double(o.count) / n
            mean += delta * Double(o.count) / n
        } else {
            // Both parts' m2 at the shift of the values together; the means weighted, as their difference could overflow.
            let s = Double(sign: .plus, exponent: -e, significand: 1)
            let delta = o.mean * s - mean * s
            m2 = Double(sign: .plus, exponent: 2 * (shift - e), significand: m2)
                + Double(sign: .plus, exponent: 2 * (o.shift - e), significand: o.m2)
                + delta * delta * Double(count) * Double(o.count) / n
            mean = mean * (Double(count) / n) + o.mean * (Double(o.count) / n)
            shift = e
        }
        count += o.count
        lo = Swift.min(lo, o.lo)
        hi = Swift.max(hi, o.hi)
        if let h = histogram, let oh = o.histogram { histogram = h.merged(with: oh) }
    }

    var stats: TensorStats {
        // A std past the largest Double ([-max, max]) is written as the largest: JSON has no infinity.
        let std = Double(sign: .plus, exponent: shift, significand: (m2 / Double(Swift.max(1, count - 1))).squareRoot())
        return TensorStats(min: count > 0 ? lo : nil, max: count > 0 ? hi : nil, mean: count > 0 ? mean : nil,
                           std: count > 1 ? Swift.min(std, .greatestFiniteMagnitude) : nil, nan: nan, inf: inf)
    }

    /// Calls `body` with each element of `range` (element indices into contiguous little-endian bytes) as Double.
    @inline(__always)
    static func forEach(_ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>, _ body: (Double) -> Void) {
        let item = dtype.itemSize
        func each<T>(_ t: T.Type, stride: Int = item, _ f: (T) -> Double) {
            for i in range { body(f(raw.loadUnaligned(fromByteOffset: i * stride, as: T.self))) }
        }
        switch dtype {
        case .float32: each(Float.self) { Double($0) }
        case .float64: each(Double.self) { $0 }
        case .float16: each(UInt16.self) { Double(HalfConversion.float(fromHalf: $0)) }
        case .bfloat16: each(UInt16.self) { Double(HalfConversion.float(fromBFloat16: $0)) }
        case .float8_e4m3fn: each(UInt8.self) { Double(HalfConversion.float(fromE4M3: $0)) }
        case .float8_e5m2: each(UInt8.self) { Double(HalfConversion.float(fromE5M2: $0)) }
        case .int64: each(Int64.self) { Double($0) }
        case .int32: each(Int32.self) { Double($0) }
        case .int16: each(Int16.self) { Double($0) }
        case .int8: each(Int8.self) { Double($0) }
        case .uint8: each(UInt8.self) { Double($0) }
        case .uint16: each(UInt16.self) { Double($0) }
        case .uint32: each(UInt32.self) { Double($0) }
        case .uint64: each(UInt64.self) { Double($0) }
        case .bool: each(UInt8.self) { $0 != 0 ? 1 : 0 }
        case .complex64: each(Float.self) { Double($0) }
        case .complex128: each(Double.self) { $0 }
        }
    }
}
