import CkptCore

/// The small subset of Python literals an `.npy` header uses: dicts, tuples, lists, strings, ints, True,
/// False, None. Parsed without evaluating anything (numpy uses `ast.literal_eval`).
indirect enum PythonLiteral: Equatable {
    case dict([(String, PythonLiteral)])
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case string(String)
    case int(Int)
    case bool(Bool)
    case none

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.dict(let x), .dict(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        default: return false
        }
    }

    static func parse(_ text: [UInt8]) throws -> PythonLiteral {
        var i = 0
        let v = try value(text, &i, depth: 0)
        skip(text, &i)
        guard i == text.count else { throw CheckpointError.malformed(".npy header has unexpected text at byte \(i)") }
        return v
    }

    private static func skip(_ t: [UInt8], _ i: inout Int) {
        while i < t.count, t[i] == 0x20 || t[i] == 0x0A || t[i] == 0x09 || t[i] == 0x0D { i += 1 }
    }

    private static func fail(_ i: Int) -> CheckpointError { .malformed(".npy header is not a valid literal (byte \(i))") }

    private static func value(_ t: [UInt8], _ i: inout Int, depth: Int) throws -> PythonLiteral {
        guard depth < 32 else { throw CheckpointError.malformed(".npy header nests too deeply") }
        skip(t, &i)
        guard i < t.count else { throw fail(i) }
        switch t[i] {
        case UInt8(ascii: "{"):
            i += 1
            var items: [(String, PythonLiteral)] = []
            while true {
                skip(t, &i)
                guard i < t.count else { throw fail(i) }
                if t[i] == UInt8(ascii: "}") { i += 1; return .dict(items) }
                guard case .string(let key) = try value(t, &i, depth: depth + 1) else { throw fail(i) }
                skip(t, &i)
                guard i < t.count, t[i] == UInt8(ascii: ":") else { throw fail(i) }
                i += 1
                items.append((key, try value(t, &i, depth: depth + 1)))
                skip(t, &i)
                guard i < t.count else { throw fail(i) }
                if t[i] == UInt8(ascii: ",") { i += 1 } else if t[i] != UInt8(ascii: "}") { throw fail(i) }
            }
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let close = t[i] == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
            let isTuple = t[i] == UInt8(ascii: "(")
            i += 1
            var items: [PythonLiteral] = []
            while true {
                skip(t, &i)
                guard i < t.count else { throw fail(i) }
                if t[i] == close { i += 1; return isTuple ? .tuple(items) : .list(items) }
                items.append(try value(t, &i, depth: depth + 1))
                skip(t, &i)
                guard i < t.count else { throw fail(i) }
                if t[i] == UInt8(ascii: ",") { i += 1 } else if t[i] != close { throw fail(i) }
            }
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            let quote = t[i]
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < t.count else { throw fail(i) }
                let c = t[i]
                i += 1
                if c == quote { break }
                if c == UInt8(ascii: "\\") {
                    guard i < t.count else { throw fail(i) }
                    out.append(t[i])
                    i += 1
                } else {
                    out.append(c)
                }
            }
            // numpy writes headers in latin-1 (v1, v2) or UTF-8 (v3); descr and keys are ASCII either way.
            return .string(String(bytes: out, encoding: .utf8) ?? String(decoding: out, as: Unicode.ASCII.self))
        default:
            let start = i
            while i < t.count, t[i] == UInt8(ascii: "-") || (0x30 ... 0x39).contains(t[i]) || (0x41 ... 0x5A).contains(t[i]) || (0x61 ... 0x7A).contains(t[i]) || t[i] == UInt8(ascii: "_") {
                i += 1
            }
            let word = String(decoding: t[start ..< i], as: UTF8.self)
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                // Python 2 headers write longs as `3L`.
                let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                guard let n = Int(digits) else {
                    throw word.allSatisfy({ $0.isNumber || $0 == "-" }) && !word.isEmpty
                        ? CheckpointError.tooLarge(".npy header integer \(word) is too large")
                        : fail(start)
                }
                return .int(n)
            }
        }
    }
}
