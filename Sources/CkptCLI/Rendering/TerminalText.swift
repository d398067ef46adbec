/// Text that came from a file (keys, zip member names, class names, model text, JSON keys, metadata), made safe
/// to print on a terminal: control characters are shown as escapes instead of acting. C0 controls and DEL become
/// `\xNN` (`\0`, `\t`, `\r` for the common ones), C1 controls and the bidirectional overrides that can reorder
/// what a reader sees (U+202A–U+202E, U+2066–U+2069) become `\u{NNNN}`. A NUL would cut a C string, a CR
/// rewrite the line, an ESC start a terminal command (`ESC ]0;title BEL` retitles the window).
enum TerminalText {
    /// `text` with every control character escaped; newlines too unless `keepNewlines`.
    static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepNewlines: keepNewlines) else { out.append(scalar); continue }
            out.append(contentsOf: escape(scalar).unicodeScalars)
        }
        return String(out)
    }

    /// Output text as ckpt prints it on stdout: file text escaped, newlines kept, and on a colour terminal the
    /// bold that `Terminal.bold` puts around a whole line (a table's header) kept.
    static func escapedOutput(_ text: String, color: Bool) -> String {
        let on = "\u{1B}[1m", off = "\u{1B}[0m"
        guard color, text.contains(on) else { return escaped(text, keepNewlines: true) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let s = String(line)
            if s.hasPrefix(on), s.hasSuffix(off), s.count >= on.count + off.count {
                let inner = String(s.dropFirst(on.count).dropLast(off.count))
                if !inner.contains("\u{1B}") { return on + escaped(inner) + off }
            }
            return escaped(s)
        }.joined(separator: "\n")
    }

    private static func needsEscape(_ s: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch s.value {
        case 0x0A: return !keepNewlines
        case 0x00 ... 0x1F, 0x7F ... 0x9F, 0x202A ... 0x202E, 0x2066 ... 0x2069: return true
        default: return false
        }
    }

    private static func escape(_ s: Unicode.Scalar) -> String {
        switch s.value {
        case 0x00: return "\\0"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0 ... 0x7F:
            let hex = String(s.value, radix: 16, uppercase: false)
            return "\\x" + (hex.count < 2 ? "0" + hex : hex)
        default:
            return "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
        }
    }
}
