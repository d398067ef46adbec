import CkptReports
import Foundation

/// The text report of `ckpt diff`: sections in a fixed order (only in A, only in B, shape mismatch, dtype
/// mismatch, changed), keys grouped by `KeyRanges` in A's order, a diagnosis line when prefixes explain the
/// unmatched keys, and a one-line summary last. No colour, no terminal width.
enum DiffText {
    static func render(_ r: DiffReport) -> String { lines(r).joined(separator: "\n") }

    /// The report as lines (without trailing newlines).
    static func lines(_ r: DiffReport) -> [String] { r.textLines() }

    /// The last line: the verdict and the counts.
    static func summary(_ r: DiffReport) -> String { r.summary }

    /// The statistics columns of a group: max |a-b|, mean |a-b|, mismatched (with NaN/Inf), rel L2.
    static func statsCells(_ s: DiffStatistics) -> [String] { DiffReport.statsCells(s) }
}

/// The rendering itself, written over the report's fields.
extension DiffReport {
    fileprivate func textLines() -> [String] {
        var out = ["A: \(a) (\(plural(tensorsInA, "tensor")))", "B: \(b) (\(plural(tensorsInB, "tensor")))"]
        var sections: [[String]] = []

        let onlyA = Self.grouped(onlyInA, signature: { onlyInADetail[$0] ?? "" })
        let onlyB = Self.grouped(onlyInB, signature: { onlyInBDetail[$0] ?? "" })
        let shapes = Dictionary(shapeMismatch.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
        let shapeGroups = Self.grouped(shapeMismatch.map(\.key), signature: { k in
            shapes[k].map { Self.shapeText($0) } ?? ""
        })
        let dtypes = Dictionary(dtypeMismatch.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
        let dtypeGroups = Self.grouped(dtypeMismatch.map(\.key), signature: { k in dtypes[k].map { "\($0.a) vs \($0.b)" } ?? "" })
        let changes = Dictionary(changed.map { ($0.key, $0.statistics) }, uniquingKeysWith: { x, _ in x })
        let changedGroups = KeyRanges.group(changed.map(\.key))

        let dtypeTitle = "dtype mismatch (\(dtypeMismatch.count)):", changedTitle = "changed (\(changed.count)):"
        // Keys are measured as they are shown: a control character from the file prints as an escape (\x1b).
        func shown(_ pattern: String) -> String { TerminalText.escaped(pattern) }
        let width = min(56, ([onlyA, onlyB, shapeGroups, dtypeGroups].flatMap { $0.map { shown($0.pattern).count } }
            + changedGroups.map { shown($0.pattern).count }
            + (dtypeGroups.isEmpty ? [] : [dtypeTitle.count - 2]) + (changedGroups.isEmpty ? [] : [changedTitle.count - 2])).max() ?? 0)
        func key(_ pattern: String) -> String {
            let s = shown(pattern)
            return "  " + s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0)
        }
        func title(_ s: String) -> String { s.padding(toLength: max(width + 2, s.count), withPad: " ", startingAt: 0) }

        if !onlyA.isEmpty {
            sections.append(["only in A (\(onlyInA.count)):"] + onlyA.map { g in key(g.pattern) + trailing(onlyInADetail[g.keys[0]]) })
        }
        if !onlyB.isEmpty {
            sections.append(["only in B (\(onlyInB.count)):"] + onlyB.map { g in key(g.pattern) + trailing(onlyInBDetail[g.keys[0]]) })
        }
        if !shapeGroups.isEmpty {
            sections.append(["shape mismatch (\(shapeMismatch.count)):"] + shapeGroups.map { g in
                key(g.pattern) + trailing(shapes[g.keys[0]].map { Self.shapeText($0) })
            })
        }
        if !dtypeGroups.isEmpty {
            var rows = [["dtypes"] + (valuesCompared ? Self.statsHeader : [])]
            for g in dtypeGroups {
                let first = dtypes[g.keys[0]]
                var row = [first.map { "\($0.a) vs \($0.b)" } ?? ""]
                if valuesCompared {
                    var s = DiffStatistics()
                    for k in g.keys { if let st = dtypes[k]?.stats?.statistics { s.merge(st) } }
                    row += Self.statsCells(s)
                }
                rows.append(row)
            }
            let table = Self.table(rows, rightAligned: valuesCompared ? [1, 2, 3, 4] : [])
            sections.append([title(dtypeTitle) + "  " + table[0]]
                + zip(dtypeGroups, table.dropFirst()).map { g, line in key(g.pattern) + "  " + line })
        }
        if !changedGroups.isEmpty {
            var rows = [Self.statsHeader]
            for g in changedGroups {
                var s = DiffStatistics()
                for k in g.keys { if let st = changes[k] { s.merge(st) } }
                rows.append(Self.statsCells(s))
            }
            let table = Self.table(rows, rightAligned: [0, 1, 2, 3])
            sections.append([title(changedTitle) + "  " + table[0]]
                + zip(changedGroups, table.dropFirst()).map { g, line in key(g.pattern) + "  " + line })
        }
        if !sections.isEmpty { out.append("") }
        out += sections.flatMap { $0 }
        if !diagnosis.isEmpty { out.append("") }
        out += diagnosis.map { "diagnosis: " + $0 }
        out.append("")
        out.append(summary)
        return out.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }

    fileprivate var summary: String {
        let compared = valuesCompared ? "" : "; values not compared"
        let tolerance = atol == 0 && rtol == 0 ? "" : " within atol=\(Self.number(atol)), rtol=\(Self.number(rtol))"
        if identical {
            let what = valuesCompared ? "same keys, shapes, dtypes and values\(tolerance)" : "same keys, shapes and dtypes"
            return "identical: \(plural(tensorsInA, "tensor")), \(what)\(compared)"
        }
        var parts: [String] = []
        if !changed.isEmpty { parts.append("\(changed.count) changed") }
        if !dtypeMismatch.isEmpty { parts.append(plural(dtypeMismatch.count, "dtype mismatch", "dtype mismatches")) }
        if !shapeMismatch.isEmpty { parts.append(plural(shapeMismatch.count, "shape mismatch", "shape mismatches")) }
        if !onlyInA.isEmpty { parts.append("\(onlyInA.count) only in A") }
        if !onlyInB.isEmpty { parts.append("\(onlyInB.count) only in B") }
        parts.append("\(unchanged) \(valuesCompared ? "unchanged" : "matching")")
        return "different: " + parts.joined(separator: ", ")
            + " (\(tensorsInA) tensors in A, \(tensorsInB) in B\(tolerance.isEmpty ? "" : ";" + tolerance)\(compared))"
    }

    // MARK: - Pieces

    fileprivate static let statsHeader = ["max |a-b|", "mean |a-b|", "mismatched", "rel L2"]

    fileprivate static func statsCells(_ s: DiffStatistics) -> [String] {
        var mismatched = "\(s.mismatched)/\(s.count)"
        if s.count > 0 && s.mismatched > 0 {
            let pct = 100 * Double(s.mismatched) / Double(s.count)
            let p = s.mismatched == s.count ? "100" : pct < 0.1 ? "<0.1" : String(format: "%.1f", pct)
            mismatched += " (\(p)%)"
        }
        if s.nonFinite > 0 { mismatched += ", \(s.nonFinite) NaN/Inf" }
        return [number(s.maxAbs), number(s.meanAbs), mismatched, s.relL2.map(number) ?? (s.nonFinite > 0 ? "n/a (NaN/Inf)" : "n/a (B is 0)")]
    }

    /// `0`, or three significant digits in exponent form (`1.235e-02`).
    fileprivate static func number(_ x: Double) -> String {
        x == 0 ? "0" : String(format: "%.3e", x)
    }

    fileprivate static func shapeText(_ m: ShapeMismatch) -> String {
        func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }
        if m.dtypeA != m.dtypeB, !m.dtypeA.isEmpty {
            return "\(m.dtypeA) \(shape(m.a)) vs \(m.dtypeB) \(shape(m.b))"
        }
        return "\(shape(m.a)) vs \(shape(m.b))"
    }

    /// Groups keys with `KeyRanges`, separately for each signature (so a group shares its detail text),
    /// keeping the order of each group's first key.
    fileprivate static func grouped(_ keys: [String], signature: (String) -> String) -> [KeyRanges.Group] {
        var order: [String] = []
        var bySignature: [String: [String]] = [:]
        for k in keys {
            let s = signature(k)
            if bySignature[s] == nil { order.append(s) }
            bySignature[s, default: []].append(k)
        }
        let position = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { x, _ in x })
        return order.flatMap { KeyRanges.group(bySignature[$0] ?? []) }
            .sorted { (position[$0.keys[0]] ?? 0) < (position[$1.keys[0]] ?? 0) }
    }

    /// Pads columns: left-aligned except the indices given, two spaces apart.
    fileprivate static func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ")
        }
    }

    private func trailing(_ s: String?) -> String { s.map { $0.isEmpty ? "" : "  " + $0 } ?? "" }

    private func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }
}
