import Foundation

/// A plain-text table with aligned columns: left-aligned text, right-aligned numbers, two spaces between
/// columns, no trailing spaces. Headers are bold only on a colour terminal (`Terminal.color`).
struct TextTable {
    enum Align { case left, right }
    var headers: [String]
    var align: [Align]
    var rows: [[String]] = []
    /// Columns left out when every row is empty there (SHARES when nothing is shared).
    var optional: Set<Int>

    init(_ columns: [(String, Align)], optional: Set<Int> = []) {
        headers = columns.map(\.0)
        align = columns.map(\.1)
        self.optional = optional
    }

    /// Adds a row; its cells' control characters are escaped here, so that alignment counts what is shown.
    mutating func add(_ row: [String]) { rows.append(row.map { TerminalText.escaped($0) }) }

    /// The table as lines, header first.
    func render(header: Bool = true) -> String {
        let all = header ? [headers] + rows : rows
        var widths = [Int](repeating: 0, count: headers.count)
        for r in all { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        let keep = widths.indices.filter { i in !optional.contains(i) || rows.contains { i < $0.count && !$0[i].isEmpty } }
        var lines: [String] = []
        for (n, r) in all.enumerated() {
            var cells: [String] = []
            for i in keep {
                let c = i < r.count ? r[i] : ""
                let pad = String(repeating: " ", count: widths[i] - c.count)
                cells.append(align[i] == .left ? c + pad : pad + c)
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(header && n == 0 ? Terminal.bold(line) : line)
        }
        return lines.joined(separator: "\n")
    }
}

/// Number and size formatting for text output.
enum Fmt {
    /// `61706` → `61,706`.
    static func count(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `772` → `772 B`, `1536` → `1.5 KiB`, binary units.
    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(n) / 1024
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return String(format: v < 10 ? "%.2f %@" : (v < 100 ? "%.1f %@" : "%.0f %@"), v, units[u])
    }

    /// `[8, 4]`, `[]` for a scalar.
    static func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

    /// A statistic in 4 significant digits (`-` when absent).
    static func stat(_ v: Double?) -> String {
        guard let v else { return "-" }
        if v == 0 { return "0" }
        return String(format: "%.4g", v)
    }
}
