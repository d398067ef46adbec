import CkptNN
/// Parses a module's printed constructor arguments (`1, 6, kernel_size=(5, 5), stride=(1, 1)`).
enum ReprArguments {
    /// Positional and keyword arguments of the text between a class name's parentheses.
    static func parse(_ text: String, line: Int, column: Int) throws -> (args: [ArgumentValue], kwargs: [(name: String, value: ArgumentValue)]) {
        var cursor = TokenCursor(try PythonLexer.tokenize(text, line: line, column: column))
        var args: [ArgumentValue] = []
        var kwargs: [(name: String, value: ArgumentValue)] = []
        while !cursor.atEnd {
            if cursor.current.kind == .name, cursor.peek().kind == .op, cursor.peek().text == "=" {
                let name = cursor.advance().text
                _ = cursor.advance()
                if kwargs.contains(where: { $0.name == name }) { throw cursor.error("keyword '\(name)' repeated") }
                kwargs.append((name, try value(&cursor)))
            } else {
                if !kwargs.isEmpty { throw cursor.error("positional argument after keyword arguments") }
                args.append(try value(&cursor))
            }
            if cursor.atEnd { break }
            try cursor.expect(",")
        }
        return (args, kwargs)
    }

    /// One value: a number, `True`/`False`/`None`, a string, a dotted name, or a tuple/list of values.
    static func value(_ cursor: inout TokenCursor) throws -> ArgumentValue {
        let t = cursor.current
        switch t.kind {
        case .int:
            _ = cursor.advance()
            guard let v = Int(t.text) else { throw ModelFileError(line: t.line, column: t.column, "integer \(t.text) out of range") }
            return .int(v)
        case .float:
            _ = cursor.advance()
            guard let v = Double(t.text) else { throw ModelFileError(line: t.line, column: t.column, "bad number \(t.text)") }
            return .float(v)
        case .string:
            _ = cursor.advance()
            return .string(t.text)
        case .name:
            _ = cursor.advance()
            switch t.text {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "inf": return .float(.infinity)
            case "nan": return .float(.nan)
            default:
                var name = t.text
                while cursor.accept(".") { name += "." + (try cursor.expectName()) }
                return .name(name)
            }
        case .op:
            if t.text == "-" || t.text == "+" {
                _ = cursor.advance()
                let inner = try value(&cursor)
                let sign: Double = t.text == "-" ? -1 : 1
                switch inner {
                case .int(let v): return .int(t.text == "-" ? -v : v)
                case .float(let v): return .float(sign * v)
                default: throw ModelFileError(line: t.line, column: t.column, "'\(t.text)' before a non-number")
                }
            }
            if t.text == "(" || t.text == "[" {
                _ = cursor.advance()
                let close = t.text == "(" ? ")" : "]"
                var items: [ArgumentValue] = []
                while !cursor.accept(close) {
                    items.append(try value(&cursor))
                    if cursor.accept(close) { break }
                    try cursor.expect(",")
                }
                return .tuple(items)
            }
            throw cursor.error("expected a value")
        case .end:
            throw cursor.error("expected a value")
        }
    }
}
