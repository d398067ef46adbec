/// Python-style text for non-tensor values (`3`, `0.01`, `'adam'`, `None`, `(0.9, 0.999)`), as a user would print them.
extension CheckpointValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tensor(let t): return "tensor(dtype=\(t.dtype.torchName), shape=\(t.shape))"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .float(let d): return CheckpointValue.pythonFloat(d)
        case .string(let s): return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        case .bytes(let b): return "b'" + b.map { $0 >= 32 && $0 < 127 && $0 != 39 && $0 != 92 ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined() + "'"
        case .list(let xs): return "[" + xs.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let xs): return xs.count == 1 ? "(\(xs[0]),)" : "(" + xs.map(\.description).joined(separator: ", ") + ")"
        case .set(let xs): return xs.isEmpty ? "set()" : "{" + xs.map(\.description).joined(separator: ", ") + "}"
        case .dict(let d):
            return "{" + d.items.map { k, v in
                let key: String
                if case .string(let s) = k { key = CheckpointValue.string(s).description } else { key = k.description }
                return "\(key): \(v)"
            }.joined(separator: ", ") + "}"
        case .object(let name, let args):
            return args.isEmpty ? name : name + "(" + args.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, `1.0` not `1`, `inf`, `nan`.
    public static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        var s = "\(d)"
        if s.hasSuffix(".0") == false, s.contains("e") == false, s.contains(".") == false { s += ".0" }
        if let e = s.firstIndex(of: "e") {
            // Swift writes 1e-05 as "1e-05"; Python too. Swift writes 1e+16 as "1e+16"; Python too.
            let mantissa = s[..<e]
            if mantissa.hasSuffix(".0") { s = String(mantissa.dropLast(2)) + s[e...] }
        }
        return s
    }
}

import Foundation

extension CheckpointValue {
    /// The Python type a pickled value had (`a float`, `a tuple`, `an OrderedDict`, `a Tensor`), for messages.
    public var pythonTypeName: String {
        switch self {
        case .tensor: return "a Tensor"
        case .none: return "None"
        case .bool: return "a bool"
        case .int, .bigInt: return "an int"
        case .float: return "a float"
        case .string: return "a str"
        case .bytes: return "bytes"
        case .list: return "a list"
        case .tuple: return "a tuple"
        case .set: return "a set"
        case .dict(let d): return d.isOrdered ? "an OrderedDict" : "a dict"
        case .object(let name, _): return name
        }
    }
}
