extension Module {
    /// The text `print(model)` shows, byte for byte as PyTorch's `Module.__repr__` builds it.
    public var description: String { repr() }

    /// PyTorch's `__repr__`: `Name(extra)` for a leaf, else the extra lines and `(name): child` lines indented.
    public func defaultRepr() -> String {
        let extra = extraRepr.isEmpty ? [] : extraRepr.components(separatedBy: "\n")
        let children = namedChildren().map { name, child in "(\(name)): " + Module.addIndent(child.repr(), 2) }
        return Module.reprBody(name: typeName, extraLines: extra, childLines: children)
    }

    /// Assembles `Name(` + lines + `)` as PyTorch does (one extra line and no children stays inline).
    public static func reprBody(name: String, extraLines: [String], childLines: [String]) -> String {
        let lines = extraLines + childLines
        var s = name + "("
        if !lines.isEmpty {
            if extraLines.count == 1 && childLines.isEmpty { s += extraLines[0] } else { s += "\n  " + lines.joined(separator: "\n  ") + "\n" }
        }
        return s + ")"
    }

    /// PyTorch's `_addindent`: every line after the first indented by `spaces`.
    public static func addIndent(_ s: String, _ spaces: Int) -> String {
        let lines = s.components(separatedBy: "\n")
        guard lines.count > 1 else { return s }
        let pad = String(repeating: " ", count: spaces)
        return ([lines[0]] + lines.dropFirst().map { pad + $0 }).joined(separator: "\n")
    }

    /// How PyTorch prints a parameter in a ParameterList or ParameterDict (and how a model file declares one):
    /// `(name): Parameter containing: [torch.float32 of size 3x4]`.
    public static func parameterLine(_ name: String, typeName: String, shape: [Int]) -> String {
        "(\(name)): Parameter containing: [\(typeName) of size \(shape.map(String.init).joined(separator: "x"))]"
    }

    /// Python's repr of a tuple of ints: `(5,)`, `(3, 5)`.
    public static func tupleRepr(_ values: [Int]) -> String {
        values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// Python's repr of a float (`0.1`, `1e-05`, `2.0`).
    public static func floatRepr(_ v: Double) -> String {
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v.isNaN { return "nan" }
        if v == v.rounded(), abs(v) < 1e16 { return String(format: "%.1f", v) }
        var s = "\(v)"
        // Python writes 1e-05 where Swift writes 1e-05 too, but 1e-5 style exponents need two digits.
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e]
            var exp = String(s[s.index(after: e)...])
            let sign = exp.hasPrefix("-") ? "-" : "+"
            exp = exp.trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
            if exp.count < 2 { exp = "0" + exp }
            s = mantissa + "e" + sign + exp
        }
        return s
    }
}

import Foundation
