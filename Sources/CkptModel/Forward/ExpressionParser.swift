/// Python expressions by precedence climbing, from `a if c else b` down to atoms and trailers.
enum ExpressionParser {
    /// `e1, e2, …` → a tuple when there is a comma, else the single expression.
    static func expressionList(_ c: inout TokenCursor) throws -> PyExpr {
        let first = try expression(&c)
        guard c.current.text == ",", c.current.kind == .op else { return first }
        var items = [first]
        while c.accept(",") {
            if endsList(c) { break }
            items.append(try expression(&c))
        }
        return .tuple(items)
    }

    private static func endsList(_ c: TokenCursor) -> Bool {
        c.atEnd || (c.current.kind == .op && [")", "]", "=", ":"].contains(c.current.text))
            || (c.current.kind == .op && c.current.text.count >= 2 && c.current.text.hasSuffix("=") && !["==", "!=", "<=", ">="].contains(c.current.text))
    }

    static func expression(_ c: inout TokenCursor) throws -> PyExpr {
        let body = try orTest(&c)
        guard c.accept("if") else { return body }
        let condition = try orTest(&c)
        try c.expect("else")
        c.unaryDepth += 1
        defer { c.unaryDepth -= 1 }
        guard c.unaryDepth <= PythonLexer.maxNesting else { throw c.error("operators nested deeper than \(PythonLexer.maxNesting)") }
        return .conditional(body: body, condition: condition, orElse: try expression(&c))
    }

    private static func orTest(_ c: inout TokenCursor) throws -> PyExpr {
        var e = try andTest(&c)
        while c.accept("or") { e = .boolean(.or, e, try andTest(&c)) }
        return e
    }

    private static func andTest(_ c: inout TokenCursor) throws -> PyExpr {
        var e = try notTest(&c)
        while c.accept("and") { e = .boolean(.and, e, try notTest(&c)) }
        return e
    }

    private static func notTest(_ c: inout TokenCursor) throws -> PyExpr {
        if c.accept("not") {
            c.unaryDepth += 1
            defer { c.unaryDepth -= 1 }
            guard c.unaryDepth <= PythonLexer.maxNesting else { throw c.error("operators nested deeper than \(PythonLexer.maxNesting)") }
            return .unary(.not, try notTest(&c))
        }
        return try comparison(&c)
    }

    private static func comparison(_ c: inout TokenCursor) throws -> PyExpr {
        var e = try binary(&c, level: 0)
        while true {
            let t = c.current
            var op: ComparisonOperator?
            if t.kind == .op, let o = ComparisonOperator(rawValue: t.text) { op = o; _ = c.advance() }
            else if t.kind == .name, t.text == "in" { op = .contained; _ = c.advance() }
            else if t.kind == .name, t.text == "is" { _ = c.advance(); op = c.accept("not") ? .notIdentical : .identical }
            else if t.kind == .name, t.text == "not", c.peek().text == "in" { _ = c.advance(); _ = c.advance(); op = .notContained }
            guard let o = op else { return e }
            e = .compare(o, e, try binary(&c, level: 0))
        }
    }

    /// Binary operator levels, loosest first; `**` is handled in `power`.
    private static let levels: [[BinaryOperator]] = [[.bitOr], [.bitXor], [.bitAnd], [.leftShift, .rightShift], [.add, .subtract],
                                                      [.multiply, .divide, .floorDivide, .modulo, .matmul]]

    private static func binary(_ c: inout TokenCursor, level: Int) throws -> PyExpr {
        if level == levels.count { return try factor(&c) }
        var e = try binary(&c, level: level + 1)
        while c.current.kind == .op, let op = BinaryOperator(rawValue: c.current.text), levels[level].contains(op) {
            _ = c.advance()
            e = .binary(op, e, try binary(&c, level: level + 1))
        }
        return e
    }

    private static func factor(_ c: inout TokenCursor) throws -> PyExpr {
        if c.current.kind == .op, let op = UnaryOperator(rawValue: c.current.text), op != .not {
            _ = c.advance()
            c.unaryDepth += 1
            defer { c.unaryDepth -= 1 }
            guard c.unaryDepth <= PythonLexer.maxNesting else { throw c.error("operators nested deeper than \(PythonLexer.maxNesting)") }
            let operand = try factor(&c)
            if op == .negate, case .int(let v) = operand { return .int(-v) }
            if op == .negate, case .float(let v) = operand { return .float(-v) }
            return .unary(op, operand)
        }
        let base = try primary(&c)
        if c.accept("**") {
            c.unaryDepth += 1
            defer { c.unaryDepth -= 1 }
            guard c.unaryDepth <= PythonLexer.maxNesting else { throw c.error("operators nested deeper than \(PythonLexer.maxNesting)") }
            return .binary(.power, base, try factor(&c))
        }
        return base
    }

    /// An atom followed by `.name`, `(args)` and `[subscripts]` trailers.
    static func primary(_ c: inout TokenCursor) throws -> PyExpr {
        var e = try atom(&c)
        while true {
            if c.accept(".") {
                e = .attribute(e, try c.expectName())
            } else if c.accept("(") {
                var args: [PyExpr] = []
                var keywords: [PyKeyword] = []
                while !c.accept(")") {
                    if c.current.kind == .op, c.current.text == "*" || c.current.text == "**" {
                        throw c.error("*args and **kwargs are not supported")
                    }
                    if c.current.kind == .name, c.peek().kind == .op, c.peek().text == "=" {
                        let name = c.advance().text
                        _ = c.advance()
                        keywords.append(PyKeyword(name: name, value: try expression(&c)))
                    } else {
                        guard keywords.isEmpty else { throw c.error("positional argument after keyword arguments") }
                        args.append(try expression(&c))
                    }
                    if c.accept(")") { break }
                    try c.expect(",")
                }
                e = .call(e, args, keywords)
            } else if c.accept("[") {
                var items: [PySubscript] = []
                while !c.accept("]") {
                    items.append(try subscriptItem(&c))
                    if c.accept("]") { break }
                    try c.expect(",")
                }
                e = .indexing(e, items)
            } else {
                return e
            }
        }
    }

    private static func subscriptItem(_ c: inout TokenCursor) throws -> PySubscript {
        func isSep(_ c: TokenCursor) -> Bool { c.current.kind == .op && [":", ",", "]"].contains(c.current.text) }
        let start = isSep(c) ? nil : try expression(&c)
        guard c.accept(":") else {
            guard let s = start else { throw c.error("expected an index") }
            return .index(s)
        }
        let stop = isSep(c) ? nil : try expression(&c)
        var step: PyExpr?
        if c.accept(":") { step = isSep(c) ? nil : try expression(&c) }
        return .slice(start, stop, step)
    }

    private static func atom(_ c: inout TokenCursor) throws -> PyExpr {
        let t = c.current
        switch t.kind {
        case .int:
            _ = c.advance()
            guard let v = Int(t.text) else { throw ModelFileError(line: t.line, column: t.column, "integer \(t.text) out of range") }
            return .int(v)
        case .float:
            _ = c.advance()
            guard let v = Double(t.text) else { throw ModelFileError(line: t.line, column: t.column, "bad number \(t.text)") }
            return .float(v)
        case .string:
            var s = ""
            while c.current.kind == .string { s += c.advance().text }
            return .string(s)
        case .name:
            let keywords = ["if", "else", "for", "in", "and", "or", "not", "is", "return", "def", "lambda", "pass"]
            guard !keywords.contains(t.text) else { throw c.error("expected an expression") }
            _ = c.advance()
            switch t.text {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default: return .name(t.text)
            }
        case .op:
            if c.accept("...") { return .ellipsis }
            if c.accept("(") {
                if c.accept(")") { return .tuple([]) }
                let first = try expression(&c)
                if c.accept(")") { return first }
                var items = [first]
                while c.accept(",") {
                    if c.current.text == ")" { break }
                    items.append(try expression(&c))
                }
                try c.expect(")")
                return .tuple(items)
            }
            if c.accept("[") {
                var items: [PyExpr] = []
                while !c.accept("]") {
                    items.append(try expression(&c))
                    if c.accept("]") { break }
                    try c.expect(",")
                }
                return .list(items)
            }
            throw c.error("expected an expression")
        case .end:
            throw c.error("expected an expression")
        }
    }
}
