/// A token of the Python subset model files use (constructor arguments and the pasted forward method).
struct PyToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable { case name, int, float, string, op, end }
    var kind: Kind
    var text: String
    /// 1-based line and column in the model file.
    var line: Int
    var column: Int
}

/// Splits one logical line of Python into tokens. Comments (`# …`) end the line.
enum PythonLexer {
    /// Every operator, by its first scalar, longest first.
    private static let operators: [Unicode.Scalar: [(text: String, scalars: [Unicode.Scalar])]] = {
        let all = ["**=", "//=", "->", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=",
                   "^=", "<<", ">>", "...", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "+", "-", "*", "/", "%", "@",
                   "<", ">", "&", "|", "^", "~", ";"]
        let entries = all.map { (text: $0, scalars: Array($0.unicodeScalars)) }.sorted { $0.scalars.count > $1.scalars.count }
        return Dictionary(grouping: entries) { $0.scalars[0] }
    }()

    /// The longest operator starting at `chars[i]`, compared scalar by scalar (no string is made: the lexer runs on
    /// every line of a model file).
    private static func longestOperator(_ chars: [Unicode.Scalar], at i: Int) -> String? {
        guard let candidates = operators[chars[i]] else { return nil }
        for op in candidates where i + op.scalars.count <= chars.count {
            if op.scalars.indices.allSatisfy({ chars[i + $0] == op.scalars[$0] }) { return op.text }
        }
        return nil
    }

    /// Tokens of `text`, which starts at `line`/`column`; always ends with an `.end` token.
    static func tokenize(_ text: String, line: Int, column: Int = 1) throws -> [PyToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [PyToken] = []
        var i = 0
        var depth = 0
        func col(_ k: Int) -> Int { column + k }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" { i += 1; continue }
            if c == "#" { break }
            let start = i
            if c == "_" || c.properties.isAlphabetic {
                while i < chars.count, chars[i] == "_" || chars[i].properties.isAlphabetic || chars[i].properties.numericType != nil { i += 1 }
                tokens.append(PyToken(kind: .name, text: String(String.UnicodeScalarView(chars[start..<i])), line: line, column: col(start)))
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                var isFloat = false
                while i < chars.count, isDigit(chars[i]) || chars[i] == "_" { i += 1 }
                if i < chars.count, chars[i] == ".", !(i + 2 < chars.count && chars[i + 1] == "." && chars[i + 2] == ".") {
                    isFloat = true; i += 1
                    while i < chars.count, isDigit(chars[i]) || chars[i] == "_" { i += 1 }
                }
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
                    if j < chars.count, isDigit(chars[j]) {
                        isFloat = true; i = j
                        while i < chars.count, isDigit(chars[i]) { i += 1 }
                    }
                }
                let text = String(String.UnicodeScalarView(chars[start..<i])).replacingOccurrences(of: "_", with: "")
                tokens.append(PyToken(kind: isFloat ? .float : .int, text: text, line: line, column: col(start)))
                continue
            }
            if c == "'" || c == "\"" {
                i += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\", i + 1 < chars.count {
                        let e = chars[i + 1]
                        switch e { case "n": value.append("\n"); case "t": value.append("\t"); default: value.append(e) }
                        i += 2; continue
                    }
                    if chars[i] == c { closed = true; i += 1; break }
                    value.append(chars[i]); i += 1
                }
                guard closed else { throw ModelFileError(line: line, column: col(start), "unterminated string") }
                tokens.append(PyToken(kind: .string, text: String(value), line: line, column: col(start)))
                continue
            }
            guard let op = longestOperator(chars, at: i) else {
                throw ModelFileError(line: line, column: col(start), "unexpected character '\(Character(c))'")
            }
            tokens.append(PyToken(kind: .op, text: op, line: line, column: col(start)))
            i += op.unicodeScalars.count
            if op == "(" || op == "[" || op == "{" {
                depth += 1
                guard depth <= maxNesting else { throw ModelFileError(line: line, column: col(start), "brackets nested deeper than \(maxNesting)") }
            } else if op == ")" || op == "]" || op == "}" {
                depth -= 1
            }
            guard tokens.count <= maxTokens else { throw ModelFileError(line: line, "a statement of more than \(maxTokens) tokens") }
        }
        tokens.append(PyToken(kind: .end, text: "", line: line, column: col(chars.count)))
        return tokens
    }

    /// Limits that keep the recursive-descent parser and the interpreter's recursion shallow on hostile input;
    /// real forward methods stay far below them.
    static let maxNesting = 100
    static let maxTokens = 2000

    /// The bracket depth change of a line (ignoring strings and comments), used to join continuation lines.
    static func bracketBalance(_ text: String) -> Int {
        var depth = 0
        var quote: Character?
        var escaped = false
        for ch in text {
            if let q = quote {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "'", "\"": quote = ch
            case "#": return depth
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
        }
        return depth
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
}

/// A cursor over tokens with the small helpers both parsers need.
struct TokenCursor {
    var tokens: [PyToken]
    var index = 0
    /// Unary operators (`- - x`, `not not x`) nested so far, limited like brackets.
    var unaryDepth = 0

    init(_ tokens: [PyToken]) { self.tokens = tokens }

    var current: PyToken { tokens[min(index, tokens.count - 1)] }
    var atEnd: Bool { current.kind == .end }

    func peek(_ offset: Int = 1) -> PyToken { tokens[min(index + offset, tokens.count - 1)] }

    mutating func advance() -> PyToken { let t = current; if index < tokens.count - 1 { index += 1 }; return t }

    /// Consumes the operator or keyword `text` if it is next.
    mutating func accept(_ text: String) -> Bool {
        if (current.kind == .op || current.kind == .name), current.text == text { index += 1; return true }
        return false
    }

    mutating func expect(_ text: String) throws {
        guard accept(text) else { throw error("expected '\(text)'") }
    }

    mutating func expectName() throws -> String {
        guard current.kind == .name else { throw error("expected a name") }
        return advance().text
    }

    func error(_ message: String) -> ModelFileError {
        let t = current
        let found = t.kind == .end ? "end of line" : "'\(t.text)'"
        return ModelFileError(line: t.line, column: t.column, "\(message), found \(found)")
    }
}
