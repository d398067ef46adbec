import CkptCore

/// One line of a `print(model)` body, read from its tokens: a module header (`Linear(in_features=4, …)` or `Net(`),
/// a child (`(fc1): …`), a closing `)`, or a container's own `extra_repr` line.
enum PrintoutLine {
    /// `Name(` with the text after the parenthesis; `closed` when the arguments end on this line.
    case module(className: String, arguments: Substring, argumentsColumn: Int, closed: Bool)
    /// `(name): rest`, with the tokens of `rest` (the line's last ones: read once, not again by who parses `rest`).
    case child(name: String, rest: Substring, restColumn: Int, restTokens: [PyToken])
    case close
    case extra(String)

    /// What a child line holds after its `(name):`.
    enum ChildKind {
        /// `Parameter containing: [torch.float32 of size 3x4]`.
        case parameterDescription(Substring)
        /// `Parameter(3, 4)` or `Buffer(3, 4, dtype=torch.int64)`: the call's arguments.
        case declaration(isParameter: Bool, arguments: Substring, column: Int)
        /// `(2)` or `(embed.weight)`: the same object as the one at that path.
        case tie(String)
        /// `4 x Linear(…)`: PyTorch 2's folded run of identical children, `count` copies.
        case repeated(count: Int, module: Substring, column: Int, tokens: [PyToken])
        case module
    }

    /// Reads `text`, which starts at `line`/`column` of the file; `tokens` are its tokens when already known.
    static func read(_ text: String, line: Int, column: Int, tokens known: [PyToken]? = nil) throws -> PrintoutLine {
        let tokens = try known ?? PythonLexer.tokenize(text, line: line, column: column)
        let scalars = text.unicodeScalars
        func offset(_ t: PyToken) -> String.Index { scalars.index(scalars.startIndex, offsetBy: t.column - column) }
        guard let first = tokens.first, first.kind != .end else { return .extra(text) }
        if first.text == ")", first.kind == .op, tokens[1].kind == .end { return .close }
        if first.text == "(", first.kind == .op, let close = childNameEnd(tokens) {
            let rest = tokens[close + 2]
            let restStart = rest.kind == .end ? text.endIndex : offset(rest)
            return .child(name: String(text[text.index(after: text.startIndex)..<offset(tokens[close])]),
                          rest: text[restStart...], restColumn: rest.column, restTokens: Array(tokens[(close + 2)...]))
        }
        // A class name (dotted names allowed), then `(`.
        var i = 0
        var name = ""
        while i < tokens.count, tokens[i].kind == .name {
            name += tokens[i].text
            i += 1
            guard tokens[i].text == ".", tokens[i].kind == .op, tokens[i + 1].kind == .name else { break }
            name += "."
            i += 1
        }
        guard !name.isEmpty, tokens[i].text == "(", tokens[i].kind == .op else { return .extra(text) }
        let open = tokens[i]
        let arguments = text[scalars.index(after: offset(open))...]
        let closed = PythonLexer.bracketBalance(text) == 0
        guard !closed || text.hasSuffix(")") else { throw ModelFileError(line: line, column: column, "text after the module's ')'") }
        return .module(className: name, arguments: closed ? arguments.dropLast() : arguments, argumentsColumn: open.column + 1, closed: closed)
    }

    /// The index of the `)` that ends a child's name: the first `)` at depth 1 followed by `:`.
    private static func childNameEnd(_ tokens: [PyToken]) -> Int? {
        var depth = 0
        for (i, t) in tokens.enumerated() where t.kind == .op {
            switch t.text {
            case "(", "[": depth += 1
            case ")", "]":
                depth -= 1
                if depth == 0 { return tokens[i + 1].text == ":" && tokens[i + 1].kind == .op ? i : nil }
            default: break
            }
        }
        return nil
    }

    /// What the text after a child's `(name):` holds, from its tokens.
    static func childKind(_ rest: Substring, tokens: [PyToken], line: Int, column: Int) throws -> ChildKind {
        let scalars = rest.unicodeScalars
        func offset(_ t: PyToken) -> String.Index { scalars.index(scalars.startIndex, offsetBy: t.column - column) }
        guard tokens.count >= 2 else { return .module }
        let (a, b) = (tokens[0], tokens[1])
        if a.kind == .name, a.text == "Parameter", b.kind == .name, b.text == "containing", tokens[2].text == ":" {
            return .parameterDescription(rest[offset(tokens[2])...].dropFirst())
        }
        if a.kind == .name, a.text == "Parameter" || a.text == "Buffer", b.text == "(" {
            guard rest.hasSuffix(")") else { throw ModelFileError(line: line, column: column, "expected ')' at the end") }
            return .declaration(isParameter: a.text == "Parameter", arguments: rest[rest.index(after: offset(b))...].dropLast(), column: b.column + 1)
        }
        if a.kind == .op, a.text == "(", rest.hasSuffix(")") {
            let path = rest.dropFirst().dropLast()
            if !path.isEmpty, path.unicodeScalars.allSatisfy({ $0 == "." || $0 == "_" || $0 == " " || $0.properties.isAlphabetic
                                                              || $0.properties.numericType != nil }) {
                return .tie(String(path))
            }
        }
        if a.kind == .int, b.kind == .name, b.text == "x", tokens.count > 2, tokens[2].kind == .name, let count = Int(a.text) {
            return .repeated(count: count, module: rest[offset(tokens[2])...], column: tokens[2].column, tokens: Array(tokens[2...]))
        }
        return .module
    }
}
