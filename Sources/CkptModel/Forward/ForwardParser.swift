/// Parses a pasted `def forward(self, …):` method into statements (the Python subset CLI.md lists).
enum ForwardParser {
    private struct LogicalLine { var number: Int; var indent: Int; var text: String }

    /// Parses the method from its source lines (1-based numbers), the first being `def forward(…):`.
    static func parseMethod(_ source: [(number: Int, text: String)]) throws -> ForwardMethod {
        var lines = try logicalLines(source)
        guard !lines.isEmpty else { throw ModelFileError(line: source.first?.number ?? 1, "empty forward method") }
        try checkBlockNesting(lines)
        let header = lines.removeFirst()
        let (name, parameters) = try parseHeader(header)
        var position = 0
        guard let first = lines.first, first.indent > header.indent else {
            throw ModelFileError(line: header.number, "forward has no indented body")
        }
        let body = try parseBlock(lines, &position, indent: first.indent)
        if position < lines.count {
            throw ModelFileError(line: lines[position].number, column: lines[position].indent + 1, "unexpected indentation")
        }
        return ForwardMethod(name: name, parameters: parameters, body: body, line: header.number)
    }

    /// Blocks nest by indentation; more than `PythonLexer.maxNesting` levels is refused before the recursive parse.
    private static func checkBlockNesting(_ lines: [LogicalLine]) throws {
        var indents: [Int] = []
        for line in lines {
            while let last = indents.last, last > line.indent { indents.removeLast() }
            if indents.last != line.indent { indents.append(line.indent) }
            guard indents.count <= PythonLexer.maxNesting else {
                throw ModelFileError(line: line.number, "blocks nested deeper than \(PythonLexer.maxNesting)")
            }
        }
    }

    /// Joins continuation lines (open brackets, trailing `\`), drops blanks, comments and docstrings.
    private static func logicalLines(_ source: [(number: Int, text: String)]) throws -> [LogicalLine] {
        var result: [LogicalLine] = []
        var pending: LogicalLine?
        var depth = 0
        var docstringQuote: String?
        for (number, raw) in source {
            let stripped = raw.trimmingCharacters(in: .whitespaces)
            if let q = docstringQuote {
                if stripped.contains(q) { docstringQuote = nil }
                continue
            }
            if pending == nil {
                if stripped.isEmpty || stripped.hasPrefix("#") { continue }
                for q in ["\"\"\"", "'''"] where stripped.hasPrefix(q) {
                    if !(stripped.count >= 6 && stripped.dropFirst(3).contains(q)) { docstringQuote = q }
                }
                if stripped.hasPrefix("\"\"\"") || stripped.hasPrefix("'''") { continue }
                pending = LogicalLine(number: number, indent: raw.prefix { $0 == " " }.count, text: "")
            }
            var piece = ModelFileParser.stripComment(stripped)
            let continued = piece.hasSuffix("\\")
            if continued { piece = String(piece.dropLast()) }
            if var line = pending { line.text += (line.text.isEmpty ? "" : " ") + piece; pending = line }
            depth += PythonLexer.bracketBalance(piece)
            if depth <= 0 && !continued, let line = pending {
                result.append(line); pending = nil; depth = 0
            }
        }
        if let line = pending { throw ModelFileError(line: line.number, "unclosed bracket") }
        return result
    }

    private static func parseHeader(_ line: LogicalLine) throws -> (String, [(name: String, defaultValue: PyExpr?)]) {
        var c = TokenCursor(try PythonLexer.tokenize(line.text, line: line.number, column: line.indent + 1))
        try c.expect("def")
        let methodName = try c.expectName()
        try c.expect("(")
        var names: [(name: String, defaultValue: PyExpr?)] = []
        while !c.accept(")") {
            _ = c.accept("*"); _ = c.accept("**")
            let name = try c.expectName()
            if c.accept(":") { _ = try ExpressionParser.expression(&c) }
            let value = c.accept("=") ? try ExpressionParser.expression(&c) : nil
            names.append((name, value))
            if c.accept(")") { break }
            try c.expect(",")
        }
        if c.accept("->") { _ = try ExpressionParser.expression(&c) }
        try c.expect(":")
        guard c.atEnd else { throw c.error("expected the end of the line") }
        guard names.first?.name == "self" else { throw ModelFileError(line: line.number, "\(methodName)'s first parameter must be self") }
        return (methodName, Array(names.dropFirst()))
    }

    private static func parseBlock(_ lines: [LogicalLine], _ position: inout Int, indent: Int) throws -> [PyStmt] {
        var body: [PyStmt] = []
        while position < lines.count, lines[position].indent >= indent {
            let line = lines[position]
            guard line.indent == indent else {
                throw ModelFileError(line: line.number, column: line.indent + 1, "unexpected indentation")
            }
            body.append(try parseStatement(lines, &position))
        }
        return body
    }

    /// The indented block after a `…:` header, or the simple statement after the colon on the same line.
    private static func parseSuite(_ c: inout TokenCursor, _ lines: [LogicalLine], _ position: inout Int, header: LogicalLine) throws -> [PyStmt] {
        try c.expect(":")
        if !c.atEnd { return [try simpleStatement(&c, line: header.number)] }
        guard position < lines.count, lines[position].indent > header.indent else {
            throw ModelFileError(line: header.number, "expected an indented block")
        }
        return try parseBlock(lines, &position, indent: lines[position].indent)
    }

    private static func parseStatement(_ lines: [LogicalLine], _ position: inout Int) throws -> PyStmt {
        let line = lines[position]
        position += 1
        var c = TokenCursor(try PythonLexer.tokenize(line.text, line: line.number, column: line.indent + 1))
        if c.current.kind == .name {
            switch c.current.text {
            case "for":
                _ = c.advance()
                let target = try targetList(&c, until: "in")
                try c.expect("in")
                let iterable = try ExpressionParser.expressionList(&c)
                let body = try parseSuite(&c, lines, &position, header: line)
                return PyStmt(kind: .forLoop(target, iterable, body), line: line.number)
            case "if":
                _ = c.advance()
                var branches: [(PyExpr, [PyStmt])] = []
                let condition = try ExpressionParser.expression(&c)
                branches.append((condition, try parseSuite(&c, lines, &position, header: line)))
                var orElse: [PyStmt] = []
                while position < lines.count, lines[position].indent == line.indent {
                    let next = lines[position]
                    var n = TokenCursor(try PythonLexer.tokenize(next.text, line: next.number, column: next.indent + 1))
                    if n.accept("elif") {
                        position += 1
                        let cond = try ExpressionParser.expression(&n)
                        branches.append((cond, try parseSuite(&n, lines, &position, header: next)))
                    } else if n.accept("else") {
                        position += 1
                        orElse = try parseSuite(&n, lines, &position, header: next)
                        break
                    } else { break }
                }
                return PyStmt(kind: .conditional(branches, orElse), line: line.number)
            case "while", "with", "try", "def", "class", "lambda", "yield", "global", "nonlocal", "del", "import", "from":
                throw ModelFileError(line: line.number, column: c.current.column, "'\(c.current.text)' is not supported in a model file's forward")
            default: break
            }
        }
        let statement = try simpleStatement(&c, line: line.number)
        return statement
    }

    private static func simpleStatement(_ c: inout TokenCursor, line: Int) throws -> PyStmt {
        var kind: PyStmt.Kind
        if c.accept("pass") {
            kind = .pass
        } else if c.accept("return") {
            kind = .returnValue(c.atEnd ? nil : try ExpressionParser.expressionList(&c))
        } else if c.accept("assert") {
            let condition = try ExpressionParser.expression(&c)
            if c.accept(",") { _ = try ExpressionParser.expression(&c) }
            kind = .assert(condition)
        } else {
            let first = try ExpressionParser.expressionList(&c)
            if c.current.kind == .op, c.current.text.count >= 2, c.current.text.hasSuffix("="),
               let op = BinaryOperator(rawValue: String(c.current.text.dropLast())) {
                _ = c.advance()
                kind = .augmentedAssign(try target(first, &c), op, try ExpressionParser.expressionList(&c))
            } else if c.current.text == "=" {
                var targets = [try target(first, &c)]
                var value = first
                while c.accept("=") {
                    value = try ExpressionParser.expressionList(&c)
                    if c.current.text == "=" { targets.append(try target(value, &c)) }
                }
                kind = .assign(targets, value)
            } else {
                kind = .expression(first)
            }
        }
        guard c.atEnd else { throw c.error("expected the end of the statement") }
        return PyStmt(kind: kind, line: line)
    }

    private static func targetList(_ c: inout TokenCursor, until stop: String) throws -> PyTarget {
        var items: [PyExpr] = []
        repeat {
            if c.current.text == stop { break }
            items.append(try ExpressionParser.primary(&c))
        } while c.accept(",")
        return try target(items.count == 1 ? items[0] : .tuple(items), &c)
    }

    private static func target(_ e: PyExpr, _ c: inout TokenCursor) throws -> PyTarget {
        switch e {
        case .name(let n): return .name(n)
        case .tuple(let items), .list(let items): return .tuple(try items.map { try target($0, &c) })
        case .attribute(let base, let name): return .attribute(base, name)
        case .indexing(let base, let index): return .indexing(base, index)
        default: throw c.error("cannot assign to this expression")
        }
    }
}
