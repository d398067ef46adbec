/// How a layer's `extra_repr` reads, written as PyTorch's own format strings are: `{name}` prints an attribute with
/// Python's `str()`, `{name!r}` with `repr()`, and a `[…]` part prints only when an attribute in it differs from its
/// default (PyTorch's `if self.padding != (0,) * len(self.padding): s += ', padding={padding}'`). So Conv2d's is
/// `"{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}[, padding={padding}]…"`.
struct ReprTemplate: Sendable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case field(String, repr: Bool)
        /// Printed only when one of its fields is not at its default.
        case optional([Piece])
    }

    let pieces: [Piece]

    init(_ template: String) {
        var top: [Piece] = [], inner: [Piece]?
        var text = ""
        var chars = template.makeIterator()
        func flush() {
            guard !text.isEmpty else { return }
            if inner != nil { inner?.append(.text(text)) } else { top.append(.text(text)) }
            text = ""
        }
        while let ch = chars.next() {
            switch ch {
            case "[":
                precondition(inner == nil, "nested [ in repr template \(template)")
                flush()
                inner = []
            case "]":
                flush()
                guard let parts = inner else { preconditionFailure("unbalanced ] in repr template \(template)") }
                top.append(.optional(parts))
                inner = nil
            case "{":
                flush()
                var name = ""
                while let c = chars.next(), c != "}" { name.append(c) }
                let repr = name.hasSuffix("!r")
                let piece = Piece.field(repr ? String(name.dropLast(2)) : name, repr: repr)
                if inner != nil { inner?.append(piece) } else { top.append(piece) }
            default:
                text.append(ch)
            }
        }
        flush()
        precondition(inner == nil, "unclosed [ in repr template \(template)")
        pieces = top
    }

    /// The text for a module whose attributes are `value(name)`; `defaultValue(name)` decides the `[…]` parts (an
    /// attribute without a default is at its default when None).
    func render(_ value: (String) -> ArgumentValue, defaultValue: (String) -> ArgumentValue?) -> String {
        func text(_ pieces: [Piece]) -> String {
            pieces.map { piece in
                switch piece {
                case .text(let s): return s
                case let .field(name, repr):
                    let v = value(name)
                    return repr ? v.pythonRepr : v.description
                case .optional(let inner):
                    let shown = inner.contains { p in
                        guard case .field(let name, _) = p else { return false }
                        return !value(name).matches(defaultValue(name) ?? .none)
                    }
                    return shown ? text(inner) : ""
                }
            }.joined()
        }
        return text(pieces)
    }
}
