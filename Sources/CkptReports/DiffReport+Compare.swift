import CkptCore
import Foundation
import OrderedCollections

/// How `DiffReport.compare` compares.
public struct DiffOptions {
    /// Absolute tolerance: an element is mismatched when `|a − b| > atol + rtol·|b|`.
    public var atol: Double = 0
    /// Relative tolerance, relative to B.
    public var rtol: Double = 0
    /// Compare keys, shapes and dtypes only; read no tensor bytes.
    public var keysOnly = false
    /// Renames applied to A's and B's keys before aligning them.
    public var mapA = KeyMap()
    public var mapB = KeyMap()
    /// Called on the calling thread with the bytes (A's plus B's) compared since the last call.
    public var progress: ((Int) -> Void)?
    /// Also measure `‖b‖` of bit-identical tensors, so that `DiffReport.statistics` of groups of keys merge into a
    /// rel L2 for the group (`ckpt report`'s modules); costs a decoding pass over identical tensors.
    public var measureIdentical = false
    /// Map where each tensor of 2 or more dimensions differs (`DiffReport.heatmaps`), in the same pass.
    public var heatmaps = false

    public init(atol: Double = 0, rtol: Double = 0, keysOnly: Bool = false, mapA: KeyMap? = nil, mapB: KeyMap? = nil,
                progress: ((Int) -> Void)? = nil) {
        self.progress = progress
        self.atol = atol
        self.rtol = rtol
        self.keysOnly = keysOnly
        if let mapA { self.mapA = mapA }
        if let mapB { self.mapB = mapB }
    }
}

extension DiffReport {
    /// Compares the tensors of `a` and `b` (named `nameA`, `nameB` in the report).
    ///
    /// Keys are renamed by the options' maps, then aligned by name. Values of common keys with equal shapes
    /// are compared one tensor at a time from the mapped files (big tensors in chunks, small ones in batches,
    /// over all cores), so memory stays near the largest tensor. Throws the first read error as a `FileError` naming the side's name and the key.
    public static func compare(_ a: StateDict, _ b: StateDict, nameA: String, nameB: String,
                               options: DiffOptions = DiffOptions()) throws -> DiffReport {
        let tensorsA = try options.mapA.apply(to: a.tensors)
        let tensorsB = try options.mapB.apply(to: b.tensors)
        return try compare(tensorsA, tensorsB, nameA: nameA, nameB: nameB, options: options)
    }

    /// Compares two ordered key → tensor maps (already renamed).
    public static func compare(_ tensorsA: OrderedDictionary<String, TensorEntry>, _ tensorsB: OrderedDictionary<String, TensorEntry>,
                               nameA: String, nameB: String, options: DiffOptions = DiffOptions()) throws -> DiffReport {
        var onlyA: [String] = [], shape: [ShapeMismatch] = []
        var pairs: [DiffJob] = []
        var kinds: [(key: String, sameDType: Bool)] = []
        for (key, ta) in tensorsA {
            guard let tb = tensorsB[key] else { onlyA.append(key); continue }
            if ta.shape != tb.shape {
                shape.append(ShapeMismatch(key: key, a: ta.shape, b: tb.shape, dtypeA: ta.storedDTypeName, dtypeB: tb.storedDTypeName))
                continue
            }
            kinds.append((key, ta.storedDTypeName == tb.storedDTypeName))
            if ta.dtype.isComplex && tb.dtype.isComplex {
                // Real and imaginary parts compare as separate elements (torch.view_as_real).
                pairs.append(DiffJob(key: key, a: try DiffJob.realView(ta), b: try DiffJob.realView(tb)))
            } else {
                pairs.append(DiffJob(key: key, a: ta, b: tb))
            }
        }
        let onlyB = tensorsB.keys.elements.filter { tensorsA[$0] == nil }

        var outcomes: [DiffEngine.Outcome]?
        if !options.keysOnly {
            do {
                var engine = DiffEngine(atol: options.atol, rtol: options.rtol, progress: options.progress)
                engine.measureIdentical = options.measureIdentical
                engine.heatmaps = options.heatmaps
                outcomes = try engine.run(pairs)
            } catch let e as DiffEngine.ReadError {
                throw FileError(path: e.inA ? nameA : nameB, e.error)
            }
        }
        var dtype: [DTypeMismatch] = [], changed: [ValueDiff] = []
        var unchanged = 0
        for (i, pair) in pairs.enumerated() {
            let value = outcomes.map { ValueDiff(key: pair.key, statistics: $0[i].statistics) }
            if !kinds[i].sameDType {
                dtype.append(DTypeMismatch(key: pair.key, a: pair.a.storedDTypeName, b: pair.b.storedDTypeName, stats: value))
            } else if let value, value.mismatched > 0 {
                changed.append(value)
            } else {
                unchanged += 1
            }
        }
        let prefix = PrefixDiagnosis.diagnose(onlyA: onlyA, onlyB: onlyB)
        var diagnosis: [String] = []
        if let prefix {
            let fix = prefix.prefixA.isEmpty ? "--map-b '\(prefix.ruleBToA)'" : "--map-a '\(prefix.ruleAToB)'"
            diagnosis.append(prefix.explanation(a: "A", b: "B") + "; compare them with \(fix)")
        }
        var report = DiffReport(
            a: nameA, b: nameB,
            identical: onlyA.isEmpty && onlyB.isEmpty && shape.isEmpty && dtype.isEmpty && changed.isEmpty,
            onlyInA: onlyA, onlyInB: onlyB, shapeMismatch: shape, dtypeMismatch: dtype, changed: changed,
            unchanged: unchanged, atol: options.atol, rtol: options.rtol, valuesCompared: !options.keysOnly,
            tensorsInA: tensorsA.count, tensorsInB: tensorsB.count, prefixDiagnosis: prefix, diagnosis: diagnosis)
        func detail(_ t: TensorEntry) -> String { "\(t.storedDTypeName) [\(t.shape.map(String.init).joined(separator: ", "))]" }
        for k in onlyA { if let t = tensorsA[k] { report.onlyInADetail[k] = detail(t) } }
        for k in onlyB { if let t = tensorsB[k] { report.onlyInBDetail[k] = detail(t) } }
        for (i, pair) in pairs.enumerated() {
            guard let outcome = outcomes?[i] else { continue }
            report.statistics[pair.key] = outcome.statistics
            if outcome.statistics.mismatched > 0, let map = outcome.heatmap { report.heatmaps.append(map) }
        }
        return report
    }
}

/// One pair of same-shape tensors to compare.
struct DiffJob {
    var key: String
    var a: TensorEntry
    var b: TensorEntry

    /// A complex tensor as real pairs (`torch.view_as_real`): shape + [2] of float32/float64.
    static func realView(_ t: TensorEntry) throws -> TensorEntry {
        try TensorEntry(dtype: t.dtype == .complex64 ? .float32 : .float64, shape: t.shape + [2],
                        strides: t.strides.map { $0 * 2 } + [1], storageOffset: t.storageOffset * 2, storage: t.storage)
    }
}
