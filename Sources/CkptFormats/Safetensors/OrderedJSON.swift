import CkptCore
import Foundation

/// A JSON value with object members in file order — what safetensors headers and `*.index.json` weight maps
/// need (Foundation's `JSONSerialization` loses member order and silently keeps one of two duplicate keys).
public indirect enum OrderedJSON: Sendable, Equatable {
    case object([(String, OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// Members of an object, in order.
    public var members: [(String, OrderedJSON)]? { if case .object(let m) = self { return m } else { return nil } }
    /// The value of member `key` of an object.
    public subscript(key: String) -> OrderedJSON? { members?.first { $0.0 == key }?.1 }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var int: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var array: [OrderedJSON]? { if case .array(let a) = self { return a } else { return nil } }

    /// Parses one JSON document (surrounding whitespace allowed). Duplicate object keys, nesting deeper than
    /// 128, invalid UTF-8 and trailing bytes are errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> OrderedJSON {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == bytes.count else { throw p.error("unexpected bytes after the JSON value") }
        return v
    }

    /// Parses one JSON document from a byte array.
    public static func parse(_ bytes: [UInt8]) throws -> OrderedJSON {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    /// `s` as a JSON string literal (quotes, escapes for `"`, `\` and control characters; other text as UTF-8).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        static let maxDepth = 128

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func error(_ what: String) -> CheckpointError { .malformed("JSON: \(what) at byte \(i)") }

        mutating func skipSpace() {
            while i < bytes.count {
                let c = bytes[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func expect(_ word: String) throws {
            for c in word.utf8 {
                guard i < bytes.count, bytes[i] == c else { throw error("invalid literal") }
                i += 1
            }
        }

        mutating func value(depth: Int) throws -> OrderedJSON {
            guard depth < Parser.maxDepth else { throw error("nesting deeper than \(Parser.maxDepth)") }
            guard i < bytes.count else { throw error("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["):
                i += 1
                var items: [OrderedJSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw error("unexpected end in array") }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    guard bytes[i] == UInt8(ascii: ",") else { throw error("expected , or ]") }
                    i += 1
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return try number()
            }
        }

        mutating func object(depth: Int) throws -> OrderedJSON {
            i += 1
            var members: [(String, OrderedJSON)] = []
            var seen = Set<String>()
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                guard seen.insert(key).inserted else { throw CheckpointError.malformed("JSON: duplicate key '\(key)'") }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected :") }
                i += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end in object") }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                guard bytes[i] == UInt8(ascii: ",") else { throw error("expected , or }") }
                i += 1
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count else { throw error("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0 ..< 4 {
                let c = bytes[i]
                let d: UInt8
                switch c {
                case 0x30 ... 0x39: d = c - 0x30
                case 0x41 ... 0x46: d = c - 0x37
                case 0x61 ... 0x66: d = c - 0x57
                default: throw error("bad \\u escape")
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < bytes.count else { throw error("unterminated string") }
                let c = bytes[i]
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let s = String(bytes: out, encoding: .utf8) else { throw error("invalid UTF-8 in string") }
                    return s
                case UInt8(ascii: "\\"):
                    guard i < bytes.count else { throw error("unterminated escape") }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800 ..< 0xDC00).contains(scalar) {
                            guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                                throw error("unpaired surrogate")
                            }
                            i += 2
                            let low = try hex4()
                            guard (0xDC00 ..< 0xE000).contains(low) else { throw error("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                        out += Array(String(Character(u)).utf8)
                    default: throw error("invalid escape")
                    }
                case 0x00 ..< 0x20: throw error("control character in string")
                default: out.append(c)
                }
            }
        }

        mutating func number() throws -> OrderedJSON {
            let start = i
            var isInteger = true
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            func digits() -> Int {
                let s = i
                while i < bytes.count, (0x30 ... 0x39).contains(bytes[i]) { i += 1 }
                return i - s
            }
            guard digits() > 0 else { throw error("invalid value") }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1; isInteger = false
                guard digits() > 0 else { throw error("invalid number") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1; isInteger = false
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw error("invalid number") }
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< i]), as: UTF8.self)
            if isInteger, let v = Int(text) { return .int(v) }
            guard let d = Double(text) else { throw error("invalid number") }
            return .double(d)
        }
    }
}
