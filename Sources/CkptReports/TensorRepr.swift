import CkptCore

/// `torch.set_printoptions`: the knobs of PyTorch's tensor printing, with its defaults.
public struct TensorPrintOptions: Sendable {
    public var precision = 4
    /// More elements than this print summarised (`...` with `edgeItems` at each end).
    public var threshold = 1000
    public var edgeItems = 3
    public var lineWidth = 80
    public init(precision: Int = 4, threshold: Int = 1000, edgeItems: Int = 3, lineWidth: Int = 80) {
        self.precision = precision
        self.threshold = threshold
        self.edgeItems = max(1, edgeItems)
        self.lineWidth = lineWidth
    }
}

/// A tensor printed exactly as PyTorch's `str(tensor)` prints it (`torch/_tensor_str.py`):
/// `tensor([[ 0.0298,  0.2628, ...]])`, `dtype=torch.float16` for non-default dtypes, `size=(0, 3)` for empty ones.
/// Only the elements shown are read from the storage.
public enum TensorRepr {
    /// The text of `str(t)` under `options`.
    public static func string(_ t: TensorEntry, options: TensorPrintOptions = TensorPrintOptions()) throws -> String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        let body: String
        if t.numel == 0 {
            if t.shape.count != 1 { suffixes.append("size=" + pythonTuple(t.shape)) }
            if t.dtype != .float32 { suffixes.append("dtype=" + t.dtype.torchName) }
            body = "[]"
        } else {
            if ![.float32, .complex64, .int64, .bool].contains(t.dtype) { suffixes.append("dtype=" + t.dtype.torchName) }
            body = try t.storage.bytes.withUnsafeBytes { raw in
                try contents(TensorElements(t, raw: raw), indent: indent, options: options)
            }
        }
        return addSuffixes(prefix + body, suffixes, indent: indent, lineWidth: options.lineWidth)
    }

    /// `str(tuple(shape))`: `(0, 3)`, `(5,)`, `()`.
    static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The indices shown along each dimension: all, or `edge` at each end when summarising.
    static func shownIndices(_ shape: [Int], summarize: Bool, edge: Int) -> [[Int]] {
        shape.map { n in summarize && n > 2 * edge ? Array(0 ..< edge) + Array(n - edge ..< n) : Array(0 ..< n) }
    }

    private static func contents(_ el: TensorElements, indent: Int, options: TensorPrintOptions) throws -> String {
        let t = el.entry
        let summarize = t.numel > options.threshold
        let shown = shownIndices(t.shape, summarize: summarize, edge: options.edgeItems)
        var offsets: [Int] = []
        let count = shown.reduce(1) { $0 * $1.count }
        offsets.reserveCapacity(count)
        var index = [Int](repeating: 0, count: t.shape.count)
        func collect(_ d: Int) {
            if d == t.shape.count { offsets.append(el.storageIndex(index)); return }
            for i in shown[d] { index[d] = i; collect(d + 1) }
        }
        collect(0)
        // Validate every offset before reading: the entry's own view checks guarantee it, but stay defensive.
        let limit = t.storage.bytes.count / t.dtype.itemSize
        guard offsets.allSatisfy({ $0 >= 0 && $0 < limit }) else {
            throw CheckpointError.malformed("tensor view reaches outside its storage")
        }
        var cells: [String]
        if t.dtype.isComplex {
            let re = offsets.map { el.double(at: $0) }, im = offsets.map { el.double(at: $0, imaginary: true) }
            let f1 = TensorReprFormatter(values: re, precision: options.precision)
            let f2 = TensorReprFormatter(values: im, precision: options.precision)
            cells = zip(re, im).map { r, i in
                let rs = f1.format(r)
                var istr = Substring(f2.format(i) + "j")
                while istr.first == " " { istr = istr.dropFirst() }
                return istr.first == "+" || istr.first == "-" ? rs + istr : rs + "+" + istr
            }
            return layout(cells, shape: t.shape, shown: shown, indent: indent, summarize: summarize,
                          cellWidth: f1.width + 2 + f2.width + 1, options: options)
        } else if t.dtype.isFloatingPoint {
            let values = offsets.map { el.double(at: $0) }
            let f = TensorReprFormatter(values: values, precision: options.precision)
            cells = values.map(f.format)
            return layout(cells, shape: t.shape, shown: shown, indent: indent, summarize: summarize,
                          cellWidth: f.width + 2, options: options)
        } else {
            let texts = offsets.map { el.integerText(at: $0) }
            let f = TensorReprFormatter(texts: texts)
            cells = texts.map { f.format(text: $0) }
            return layout(cells, shape: t.shape, shown: shown, indent: indent, summarize: summarize,
                          cellWidth: f.width + 2, options: options)
        }
    }

    /// `_tensor_str_with_formatter` over already formatted cells (row-major over the shown indices).
    private static func layout(_ cells: [String], shape: [Int], shown: [[Int]], indent: Int, summarize: Bool,
                               cellWidth: Int, options: TensorPrintOptions) -> String {
        if shape.isEmpty { return cells.first ?? "" }
        var next = 0
        func level(_ d: Int, indent: Int) -> String {
            let n = shape[d]
            let elided = summarize && n > 2 * options.edgeItems
            if d == shape.count - 1 {
                var data = Array(cells[next ..< next + shown[d].count])
                next += shown[d].count
                if elided { data.insert(" ...", at: options.edgeItems) }
                let perLine = max(1, (options.lineWidth - indent) >= 0 ? (options.lineWidth - indent) / cellWidth : 0)
                var lines: [String] = []
                var i = 0
                while i < data.count {
                    lines.append(data[i ..< min(i + perLine, data.count)].joined(separator: ", "))
                    i += perLine
                }
                return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
            }
            var slices: [String] = []
            for (k, _) in shown[d].enumerated() {
                if elided && k == options.edgeItems { slices.append("...") }
                slices.append(level(d + 1, indent: indent + 1))
            }
            let dim = shape.count - d
            let sep = "," + String(repeating: "\n", count: dim - 1) + String(repeating: " ", count: indent + 1)
            return "[" + slices.joined(separator: sep) + "]"
        }
        return level(0, indent: indent)
    }

    /// `_add_suffixes`: `, dtype=…` on the last line, or on a new line when it would pass the line width.
    static func addSuffixes(_ text: String, _ suffixes: [String], indent: Int, lineWidth: Int) -> String {
        var out = text
        // Python: len(s) - s.rfind("\n") + 1, with rfind giving -1 when there is no newline.
        let lastNewline = text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) } ?? -1
        var lastLineLength = text.count - lastNewline + 1
        for s in suffixes {
            if lastLineLength + s.count + 2 > lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + s
                lastLineLength = indent + s.count
            } else {
                out += ", " + s
                lastLineLength += s.count + 2
            }
        }
        return out + ")"
    }
}
