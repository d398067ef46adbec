import CkptCore

/// Value differences between two tensors of the same shape, accumulated in Float64 so that any dtype
/// (f16, bf16, ints, bool) compares against any other. Partial results over chunks merge exactly,
/// and so do results of several tensors (a report's group of keys).
///
/// Element rules: equal values (including `inf == inf` and `-0 == 0`) and NaN against NaN at the same
/// place count as equal. A pair whose difference is not finite (NaN against a number, `inf` against
/// anything but itself) is `mismatched` and counted in `nonFinite`, but left out of the sums, so that
/// one NaN does not hide the size of every other difference. An element is mismatched when
/// `|a − b| > atol + rtol·|b|` (numpy's `isclose` rule; with the defaults 0, 0 any difference counts).
public struct DiffStatistics: Sendable, Equatable {
    /// Elements compared.
    public var count: Int = 0
    /// Largest finite `|a − b|`.
    public var maxAbs: Double = 0
    /// Sum of finite `|a − b|`.
    public var sumAbs: Double = 0
    /// Sum of finite `(a − b)²`.
    public var sumSquaredDiff: Double = 0
    /// Sum of `b²` over elements whose difference is finite.
    public var sumSquaredB: Double = 0
    /// Elements beyond tolerance, NaN/Inf disagreements included.
    public var mismatched: Int = 0
    /// Mismatched elements whose difference is not finite (NaN on one side only, or an unmatched infinity).
    public var nonFinite: Int = 0

    public init() {}

    /// `count` elements compared and found bit-identical, their norm not measured.
    public init(count: Int) { self.count = count }

    /// `sum|a − b| / count` (0 for an empty tensor).
    public var meanAbs: Double { count == 0 ? 0 : sumAbs / Double(count) }

    /// `‖a − b‖ / ‖b‖`. When `‖b‖ = 0` it is 0 if `a` equals `b` too, and nil (undefined) otherwise;
    /// nil too when a NaN/Inf disagreement makes `‖a − b‖` undefined.
    public var relL2: Double? {
        if nonFinite > 0 { return nil }
        if sumSquaredDiff == 0 { return 0 }
        guard sumSquaredB > 0 else { return nil }
        let r = (sumSquaredDiff / sumSquaredB).squareRoot()
        return r.isFinite ? r : nil
    }

    /// Adds another partial result.
    public mutating func merge(_ o: DiffStatistics) {
        count += o.count
        maxAbs = Swift.max(maxAbs, o.maxAbs)
        sumAbs += o.sumAbs
        sumSquaredDiff += o.sumSquaredDiff
        sumSquaredB += o.sumSquaredB
        mismatched += o.mismatched
        nonFinite += o.nonFinite
    }

    /// Accumulates `n` pairs.
    @inlinable
    public mutating func accumulate(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int, atol: Double, rtol: Double) {
        var maxAbs = self.maxAbs, sumAbs = 0.0, sumSq = 0.0, sumSqB = 0.0
        var mismatched = 0, nonFinite = 0
        for i in 0 ..< n {
            let x = a[i], y = b[i]
            let d = Swift.abs(x - y)
            if d.isFinite {
                sumAbs += d
                sumSq += d * d
                sumSqB += y * y
                if d > maxAbs { maxAbs = d }
                if d > atol + rtol * Swift.abs(y) { mismatched += 1 }
            } else if !(x == y || (x.isNaN && y.isNaN)) {
                mismatched += 1
                nonFinite += 1
            }
        }
        count += n
        self.maxAbs = maxAbs
        self.sumAbs += sumAbs
        sumSquaredDiff += sumSq
        sumSquaredB += sumSqB
        self.mismatched += mismatched
        self.nonFinite += nonFinite
    }

    /// Accumulates only `sum b²` and the count, for chunks known to be bit-identical.
    public mutating func accumulateIdentical(_ b: UnsafePointer<Double>, _ n: Int) {
        // Four partial sums, so that each add does not wait for the one before (ckpt report measures every identical
        // tensor this way: with one sum, this loop is bound by the adds' latency).
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        @inline(__always) func square(_ x: Double) -> Double { x.isFinite ? x * x : 0 }
        var i = 0
        while i + 4 <= n {
            s0 += square(b[i]); s1 += square(b[i + 1]); s2 += square(b[i + 2]); s3 += square(b[i + 3])
            i += 4
        }
        while i < n { s0 += square(b[i]); i += 1 }
        sumSquaredB += (s0 + s1) + (s2 + s3)
        count += n
    }

    /// Compares elements `[start, start+n)` of two little-endian contiguous buffers of the given dtypes,
    /// decoding blocks into Float64 scratch space. `visit` sees each decoded block of pairs (A's values, B's values,
    /// the first element's index, the count), as for a `DeltaHeatmap`.
    public mutating func compare(_ a: UnsafeRawBufferPointer, _ da: DType, _ b: UnsafeRawBufferPointer, _ db: DType,
                                 start: Int, count n: Int, atol: Double, rtol: Double, identical: Bool = false,
                                 visit: ((UnsafePointer<Double>, UnsafePointer<Double>, Int, Int) -> Void)? = nil) {
        let block = 4096
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * block) { scratch in
            guard let pa = scratch.baseAddress else { return }
            let pb = pa + block
            var i = start
            let end = start + n
            while i < end {
                let m = Swift.min(block, end - i)
                DiffStatistics.decode(b, db, from: i, count: m, into: pb)
                if identical {
                    accumulateIdentical(pb, m)
                } else {
                    DiffStatistics.decode(a, da, from: i, count: m, into: pa)
                    accumulate(pa, pb, m, atol: atol, rtol: rtol)
                    visit?(pa, pb, i, m)
                }
                i += m
            }
        }
    }

    /// Decodes `n` elements starting at element `start` of `raw` into `out` (complex: real parts).
    public static func decode(_ raw: UnsafeRawBufferPointer, _ dtype: DType, from start: Int, count n: Int,
                              into out: UnsafeMutablePointer<Double>) {
        guard n > 0, let base = raw.baseAddress else { return }
        let item = dtype.itemSize
        let p = base + start * item
        @inline(__always) func load<T>(_: T.Type, _ convert: (T) -> Double) {
            let size = MemoryLayout<T>.size
            for i in 0 ..< n { out[i] = convert(p.loadUnaligned(fromByteOffset: i * size, as: T.self)) }
        }
        switch dtype {
        case .float32: load(Float.self) { Double($0) }
        case .float64: load(Double.self) { $0 }
        case .float16: load(UInt16.self) { Double(HalfConversion.float(fromHalf: $0)) }
        case .bfloat16: load(UInt16.self) { Double(HalfConversion.float(fromBFloat16: $0)) }
        case .int64: load(Int64.self) { Double($0) }
        case .int32: load(Int32.self) { Double($0) }
        case .int16: load(Int16.self) { Double($0) }
        case .int8: load(Int8.self) { Double($0) }
        case .uint8: load(UInt8.self) { Double($0) }
        case .uint16: load(UInt16.self) { Double($0) }
        case .uint32: load(UInt32.self) { Double($0) }
        case .uint64: load(UInt64.self) { Double($0) }
        case .bool: load(UInt8.self) { $0 != 0 ? 1 : 0 }
        case .float8_e4m3fn: load(UInt8.self) { Double(HalfConversion.float(fromE4M3: $0)) }
        case .float8_e5m2: load(UInt8.self) { Double(HalfConversion.float(fromE5M2: $0)) }
        case .complex64:
            for i in 0 ..< n { out[i] = Double(p.loadUnaligned(fromByteOffset: i * 8, as: Float.self)) }
        case .complex128:
            for i in 0 ..< n { out[i] = p.loadUnaligned(fromByteOffset: i * 16, as: Double.self) }
        }
    }
}

/// A comparison's figures as JSON carries them, defined once for `diff`'s entries (`changed`, the statistics inside
/// `dtype_mismatch`) and `report`'s modules and layers: `max_abs_diff`, `mean_abs_diff`, `mismatched`, `rel_l2`
/// (always present, `null` when undefined), `numel`, and `nonfinite` (the NaN/Inf disagreements; in `diff` only).
struct DiffFigures: Codable, Equatable {
    var maxAbsDiff: Double
    var meanAbsDiff: Double
    var mismatched: Int
    @NullWhenNil var relL2: Double?
    /// Elements compared (absent from documents older than the field: 0).
    var numel: Int?
    var nonFinite: Int?

    enum CodingKeys: String, CodingKey {
        case maxAbsDiff = "max_abs_diff", meanAbsDiff = "mean_abs_diff", mismatched, relL2 = "rel_l2", numel
        case nonFinite = "nonfinite"
    }

    /// The figures of one key's (or one module's) comparison; `nonFinite` false leaves that count out.
    init(_ v: DiffReport.ValueDiff, nonFinite: Bool = true) {
        maxAbsDiff = v.maxAbsDiff
        meanAbsDiff = v.meanAbsDiff
        mismatched = v.mismatched
        relL2 = v.relL2
        numel = v.statistics.count
        self.nonFinite = nonFinite ? v.statistics.nonFinite : nil
    }

    /// What a document's figures tell of the statistics behind them: counts, largest and summed |a − b|.
    var statistics: DiffStatistics {
        var s = DiffStatistics()
        s.count = numel ?? 0
        s.nonFinite = nonFinite ?? 0
        s.maxAbs = maxAbsDiff
        s.sumAbs = meanAbsDiff * Double(s.count)
        s.mismatched = mismatched
        return s
    }
}
