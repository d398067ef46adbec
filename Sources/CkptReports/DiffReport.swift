import OrderedCollections

/// The comparison of two checkpoints, as `ckpt diff --json` prints it (field names are CLI.md's contract).
///
/// `changed` and `unchanged` count only keys present on both sides with equal shape and dtype; a
/// dtype-mismatched key carries its value statistics in `dtypeMismatch` and is not repeated under `changed`;
/// a shape-mismatched key has no value statistics. Every list is in A's key order (`onlyInB` in B's).
public struct DiffReport: Codable, Sendable, Equatable {
    /// A key whose shapes differ.
    public struct ShapeMismatch: Codable, Sendable, Equatable {
        public var key: String
        public var a: [Int]
        public var b: [Int]
        /// The dtypes (text rendering only; not in the JSON).
        public var dtypeA: DTypeName = ""
        public var dtypeB: DTypeName = ""

        enum CodingKeys: String, CodingKey { case key, a, b }

        public init(key: String, a: [Int], b: [Int], dtypeA: String = "", dtypeB: String = "") {
            self.key = key; self.a = a; self.b = b; self.dtypeA = dtypeA; self.dtypeB = dtypeB
        }
    }

    public typealias DTypeName = String

    /// A key whose dtypes differ, with its values compared as Float64.
    public struct DTypeMismatch: Codable, Sendable, Equatable {
        public var key: String
        public var a: DTypeName
        public var b: DTypeName
        /// Nil with `--keys-only`.
        public var stats: ValueDiff?

        enum CodingKeys: String, CodingKey { case key, a, b }

        public init(key: String, a: String, b: String, stats: ValueDiff?) {
            self.key = key; self.a = a; self.b = b; self.stats = stats
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            key = try c.decode(String.self, forKey: .key)
            a = try c.decode(String.self, forKey: .a)
            b = try c.decode(String.self, forKey: .b)
            stats = try? ValueDiff(from: decoder)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key)
            try c.encode(a, forKey: .a)
            try c.encode(b, forKey: .b)
            try stats?.encode(to: encoder)
        }
    }

    /// Value statistics of one key (`changed` entries, and the statistics inside `dtype_mismatch` entries).
    public struct ValueDiff: Codable, Sendable, Equatable {
        public var key: String
        public var maxAbsDiff: Double
        public var meanAbsDiff: Double
        public var mismatched: Int
        /// `‖a − b‖ / ‖b‖`; null when B is all zeros and A is not, or when NaN/Inf disagree.
        public var relL2: Double?
        /// The full accumulator (element count, sums, NaN/Inf disagreements), for grouping in the text report.
        public var statistics: DiffStatistics

        enum CodingKeys: String, CodingKey { case key }

        public init(key: String, statistics s: DiffStatistics) {
            self.key = key
            statistics = s
            // Sums of finite float64 differences near 1e308 can still overflow; JSON has no infinity.
            maxAbsDiff = s.maxAbs
            meanAbsDiff = s.meanAbs.isFinite ? s.meanAbs : .greatestFiniteMagnitude
            mismatched = s.mismatched
            relL2 = s.relL2
        }

        public init(from decoder: Decoder) throws {
            let figures = try DiffFigures(from: decoder)
            key = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .key)
            maxAbsDiff = figures.maxAbsDiff
            meanAbsDiff = figures.meanAbsDiff
            mismatched = figures.mismatched
            relL2 = figures.relL2
            statistics = figures.statistics
        }

        /// The key, then the figures (as every comparison's JSON writes them).
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key)
            try DiffFigures(self).encode(to: encoder)
        }
    }

    /// A's name as given on the command line.
    public var a: String
    public var b: String
    /// True when both have the same keys, shapes and dtypes and every value is within tolerance.
    public var identical: Bool
    public var onlyInA: [String]
    public var onlyInB: [String]
    public var shapeMismatch: [ShapeMismatch]
    public var dtypeMismatch: [DTypeMismatch]
    public var changed: [ValueDiff]
    /// Keys with equal shape and dtype whose values are within tolerance (with `--keys-only`: not compared).
    public var unchanged: Int
    /// The tolerances used and whether values were compared.
    public var atol: Double
    public var rtol: Double
    public var valuesCompared: Bool
    /// Tensor counts of each side (after `FILE#ENTRY` selection).
    public var tensorsInA: Int
    public var tensorsInB: Int
    /// The prefix explanation of the unmatched keys, when there is one.
    public var prefixDiagnosis: PrefixDiagnosis?
    /// The diagnosis as a sentence with the `--map-a`/`--map-b` that fixes it.
    public var diagnosis: [String]
    /// `float32 [10, 84]` for each key only in A / only in B (text rendering only; not in the JSON).
    public var onlyInADetail: [String: String] = [:]
    public var onlyInBDetail: [String: String] = [:]
    /// The value differences of every key compared (equal shapes), in A's order (not in the JSON, which lists only
    /// the changed ones); empty when values were not compared.
    public var statistics: OrderedDictionary<String, DiffStatistics> = [:]
    /// Where each changed tensor of 2 or more dimensions differs, in A's order (with `DiffOptions.heatmaps`).
    public var heatmaps: [DeltaHeatmap] = []

    enum CodingKeys: String, CodingKey {
        case a, b, identical
        case onlyInA = "only_in_a", onlyInB = "only_in_b", shapeMismatch = "shape_mismatch"
        case dtypeMismatch = "dtype_mismatch", changed, unchanged
        case atol, rtol, valuesCompared = "values_compared", diagnosis
    }

    public init(a: String, b: String, identical: Bool, onlyInA: [String], onlyInB: [String],
                shapeMismatch: [ShapeMismatch], dtypeMismatch: [DTypeMismatch], changed: [ValueDiff], unchanged: Int,
                atol: Double = 0, rtol: Double = 0, valuesCompared: Bool = true, tensorsInA: Int = 0, tensorsInB: Int = 0,
                prefixDiagnosis: PrefixDiagnosis? = nil, diagnosis: [String] = []) {
        self.a = a; self.b = b; self.identical = identical
        self.onlyInA = onlyInA; self.onlyInB = onlyInB
        self.shapeMismatch = shapeMismatch; self.dtypeMismatch = dtypeMismatch
        self.changed = changed; self.unchanged = unchanged
        self.atol = atol; self.rtol = rtol; self.valuesCompared = valuesCompared
        self.tensorsInA = tensorsInA; self.tensorsInB = tensorsInB
        self.prefixDiagnosis = prefixDiagnosis; self.diagnosis = diagnosis
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        a = try c.decode(String.self, forKey: .a)
        b = try c.decode(String.self, forKey: .b)
        identical = try c.decode(Bool.self, forKey: .identical)
        onlyInA = try c.decode([String].self, forKey: .onlyInA)
        onlyInB = try c.decode([String].self, forKey: .onlyInB)
        shapeMismatch = try c.decode([ShapeMismatch].self, forKey: .shapeMismatch)
        dtypeMismatch = try c.decode([DTypeMismatch].self, forKey: .dtypeMismatch)
        changed = try c.decode([ValueDiff].self, forKey: .changed)
        unchanged = try c.decode(Int.self, forKey: .unchanged)
        atol = try c.decodeIfPresent(Double.self, forKey: .atol) ?? 0
        rtol = try c.decodeIfPresent(Double.self, forKey: .rtol) ?? 0
        valuesCompared = try c.decodeIfPresent(Bool.self, forKey: .valuesCompared) ?? true
        diagnosis = try c.decodeIfPresent([String].self, forKey: .diagnosis) ?? []
        tensorsInA = unchanged + changed.count + dtypeMismatch.count + shapeMismatch.count + onlyInA.count
        tensorsInB = unchanged + changed.count + dtypeMismatch.count + shapeMismatch.count + onlyInB.count
        prefixDiagnosis = nil
    }
}
