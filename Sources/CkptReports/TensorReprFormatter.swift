import Foundation

/// PyTorch's `torch._tensor_str._Formatter`: picks integer, fixed or scientific notation and one column
/// width from the elements that will be shown, then formats each element to that width.
struct TensorReprFormatter {
    enum Mode { case integerText, intFloat, fixed, scientific }
    private(set) var mode: Mode
    private(set) var width = 1
    let precision: Int

    /// A formatter for non-floating elements already turned into text (`5`, `True`).
    init(texts: [String]) {
        mode = .integerText
        precision = 0
        for s in texts { width = max(width, s.count) }
    }

    /// A formatter for floating elements (the values as Double, exactly as `tolist()` gives them).
    init(values: [Double], precision: Int) {
        self.precision = precision
        let nonzeroFinite = values.filter { $0.isFinite && $0 != 0 }
        mode = .intFloat
        if nonzeroFinite.isEmpty { return }
        let intMode = nonzeroFinite.allSatisfy { $0 == $0.rounded(.up) }
        var lo = Double.infinity, hi = 0.0
        for v in nonzeroFinite { lo = min(lo, abs(v)); hi = max(hi, abs(v)) }
        let sci = hi / lo > 1000 || hi > 1e8 || lo < 1e-4
        mode = sci ? .scientific : (intMode ? .intFloat : .fixed)
        for v in nonzeroFinite {
            switch mode {
            case .scientific: width = max(width, Self.exponent(v, precision).count)
            case .intFloat: width = max(width, Self.fixed(v, 0).count + 1)
            default: width = max(width, Self.fixed(v, precision).count)
            }
        }
    }

    /// One floating element, right-aligned to the column width.
    func format(_ v: Double) -> String {
        let s: String
        switch mode {
        case .scientific: s = Self.exponent(v, precision)
        case .intFloat: s = v.isFinite ? Self.fixed(v, 0) + "." : Self.nonFinite(v)
        default: s = Self.fixed(v, precision)
        }
        return pad(s)
    }

    /// One non-floating element's text, right-aligned to the column width.
    func format(text: String) -> String { pad(text) }

    private func pad(_ s: String) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// Python's `'{:.Nf}'.format(v)` (`nan`, `inf`, `-inf` for non-finite values).
    static func fixed(_ v: Double, _ digits: Int) -> String {
        v.isFinite ? String(format: "%.\(digits)f", v) : nonFinite(v)
    }

    /// Python's `'{:.Ne}'.format(v)`: at least two exponent digits, as C's `%e`.
    static func exponent(_ v: Double, _ digits: Int) -> String {
        v.isFinite ? String(format: "%.\(digits)e", v) : nonFinite(v)
    }

    /// Python never prints a sign on NaN; C's printf can (`-nan`).
    static func nonFinite(_ v: Double) -> String {
        v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf")
    }
}
