import CkptReports
import Foundation

/// `ckpt report`'s page: one self-contained HTML file (inline style, script and data; a Content-Security-Policy that
/// allows no network request at all), drawn by its script from the `ReportDocument` it carries as JSON.
enum ReportPage {
    /// The whole page for `document`.
    static func html(_ document: ReportDocument) throws -> String {
        let title: String
        if let diff = document.diff {
            title = "ckpt report: \(diff.a) vs \(diff.b)"
        } else {
            title = "ckpt report: \(document.a.inspect.file)"
        }
        let subtitle = document.diff == nil
            ? "\(document.a.inspect.format) · \(document.a.inspect.tensors.count) tensors"
            : "A: \(document.a.inspect.file) (\(document.a.inspect.format)) · B: \(document.b?.inspect.file ?? "") (\(document.b?.inspect.format ?? ""))"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <meta name="color-scheme" content="light dark">
            <title>\(escape(title))</title>
            <style>
            \(ReportStyle.css)
            </style>
            </head>
            <body>
            <main id="report" data-kind="\(document.diff == nil ? "checkpoint" : "comparison")">
            <h1>\(escape(title))</h1>
            <p class="sub">\(escape(subtitle))</p>
            <noscript><p>This page draws its charts and tables with JavaScript; the data is in the ckpt-data script element.</p></noscript>
            </main>
            <footer>Written by ckpt report. Its figures are those of <code>ckpt inspect --stats --json</code>, <code>ckpt count --json</code> and <code>ckpt diff --json</code> on the same files.</footer>
            <div id="tip" role="tooltip" hidden></div>
            <script type="application/json" id="ckpt-data">\(try json(document))</script>
            <script>
            \(ReportScript.source)
            </script>
            </body>
            </html>

            """
    }

    /// The document as JSON that cannot end its script element: `<`, `>` and `&` (only ever inside strings) are
    /// written as `\u003c`…, and so are U+2028/U+2029.
    static func json(_ document: ReportDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return replacing(String(decoding: try encoder.encode(document), as: UTF8.self),
                         ["<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u{2028}": "\\u2028", "\u{2029}": "\\u2029"])
    }

    /// Text for HTML element content and attribute values.
    static func escape(_ s: String) -> String {
        replacing(s, ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"])
    }

    /// `s` with each scalar found in `table` replaced by its text.
    static func replacing(_ s: String, _ table: [Unicode.Scalar: String]) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            if let text = table[scalar] { out += text } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
