import OrderedCollections

/// How much a module's tensors changed between two checkpoints: the value differences of its tensors merged as
/// if they were one tensor (`rel_l2` = `sqrt(Σ‖a − b‖² / Σ‖b‖²)`, `max_abs_diff` the largest of any), and how many
/// of its keys differ in values, dtype or shape, or are on one side only.
///
/// Modules are the dotted prefixes of the keys (`layers.3.mlp` of `layers.3.mlp.up.weight`); a *layer* is a
/// module holding tensors itself (a key without its last component), or a tensor at the root.
public struct ModuleChange: Encodable, Sendable, Equatable {
    public var path: String
    /// Keys under the module, on either side.
    public var tensors: Int
    /// Keys whose values were compared (equal shapes) and differ beyond tolerance, dtype mismatches included.
    public var changed: Int
    public var dtypeMismatch: Int
    public var shapeMismatch: Int
    public var onlyInA: Int
    public var onlyInB: Int
    /// Every compared key's differences merged.
    public var statistics: DiffStatistics

    enum CodingKeys: String, CodingKey {
        case path, tensors, changed
        case dtypeMismatch = "dtype_mismatch", shapeMismatch = "shape_mismatch", onlyInA = "only_in_a", onlyInB = "only_in_b"
    }

    init(path: String) {
        self.path = path
        tensors = 0; changed = 0; dtypeMismatch = 0; shapeMismatch = 0; onlyInA = 0; onlyInB = 0
        statistics = DiffStatistics()
    }

    /// True when anything under the module differs.
    public var differs: Bool { changed + shapeMismatch + onlyInA + onlyInB > 0 }

    /// The path and counts, then the merged figures as `diff` writes a key's (without `nonfinite`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        let counts: [(CodingKeys, Int)] = [(.tensors, tensors), (.changed, changed), (.dtypeMismatch, dtypeMismatch),
                                           (.shapeMismatch, shapeMismatch), (.onlyInA, onlyInA), (.onlyInB, onlyInB)]
        for (key, n) in counts { try c.encode(n, forKey: key) }
        try DiffFigures(DiffReport.ValueDiff(key: path, statistics: statistics), nonFinite: false).encode(to: encoder)
    }

    /// Every module of `diff`'s keys (each dotted prefix), in the order of first appearance in `keys` (A's keys,
    /// then B's, as compared). Tensors at the root belong to no module.
    public static func modules(_ diff: DiffReport, keys: [String]) -> [ModuleChange] {
        collect(diff, keys: keys) { key in
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count < 2 ? [] : (1 ..< parts.count).map { parts[..<$0].joined(separator: ".") }
        }
    }

    /// The layers (modules holding tensors themselves, and root tensors), in model order: first appearance in `keys`.
    public static func layers(_ diff: DiffReport, keys: [String]) -> [ModuleChange] {
        collect(diff, keys: keys) { key in
            guard let dot = key.lastIndex(of: ".") else { return [key] }
            return [String(key[..<dot])]
        }
    }

    /// Sums each key's facts into the groups `groups(key)` names.
    static func collect(_ diff: DiffReport, keys: [String], groups: (String) -> [String]) -> [ModuleChange] {
        let changed = Set(diff.changed.map(\.key))
        let dtype = Set(diff.dtypeMismatch.filter { ($0.stats?.mismatched ?? 0) > 0 }.map(\.key))
        let dtypeAny = Set(diff.dtypeMismatch.map(\.key))
        let shape = Set(diff.shapeMismatch.map(\.key)), onlyA = Set(diff.onlyInA), onlyB = Set(diff.onlyInB)
        var out = OrderedDictionary<String, ModuleChange>()
        var seen = Set<String>()
        for key in keys where seen.insert(key).inserted {
            for g in groups(key) {
                var m = out[g] ?? ModuleChange(path: g)
                m.tensors += 1
                if let s = diff.statistics[key] { m.statistics.merge(s) }
                if changed.contains(key) || dtype.contains(key) { m.changed += 1 }
                if dtypeAny.contains(key) { m.dtypeMismatch += 1 }
                if shape.contains(key) { m.shapeMismatch += 1 }
                if onlyA.contains(key) { m.onlyInA += 1 }
                if onlyB.contains(key) { m.onlyInB += 1 }
                out[g] = m
            }
        }
        return Array(out.values)
    }
}
