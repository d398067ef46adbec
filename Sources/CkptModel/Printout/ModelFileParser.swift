import Foundation
import CkptNN
import CkptCore

/// Parses model-file text: the `print(model)` tree (with ckpt's parameter, buffer and tie lines), then optional
/// pasted Python: methods of the root (`def forward(self, ...)` and helpers it calls) and whole classes
/// (`class BasicBlock(nn.Module):` with its methods) whose `forward` runs every module of that class.
struct ModelFileParser {
    private struct Line { var number: Int; var indent: Int; var text: String }
    private typealias Source = [(number: Int, text: String)]
    private var lines: [Line] = []
    /// Method sources: class name (nil for the root) → method name → lines.
    private var methodSources: [(className: String?, name: String, lines: Source)] = []
    private var index = 0
    /// Modules open around the current line; real models nest a few dozen deep at most.
    private var depth = 0
    static let maxDepth = 200
    /// The most copies a folded run (`(0-3): 4 x Linear(…)`) may ask for: far above any real model's layer or
    /// expert count, far below what a hostile file could make ckpt allocate.
    static let maxRepeat = 1 << 16
    /// The most modules and tensors a model file may describe, folded runs counted copy by copy: refused before
    /// anything is built, and again while building for the tensors each layer makes of its own (`ModelBuilder`). A
    /// DeepSeek-V3 printout, with 256 experts in each of 61 layers, is about 120,000 of them (counted by hand from its
    /// structure; it builds).
    public static let maxModules = 1 << 18

    /// The error for a model file past `maxModules`, reported at the module whose line passes it.
    static func tooManyModules(line: Int, column: Int = 1) -> ModelFileError {
        ModelFileError(line: line, column: column, "the model file describes more than \(maxModules) modules and parameters")
    }

    init(text: String) {
        var currentClass: (name: String, indent: Int)?
        var currentMethod: (indent: Int, slot: Int)?
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).replacingOccurrences(of: "\t", with: "    ")
            let stripped = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix { $0 == " " }.count
            let significant = !stripped.isEmpty && !stripped.hasPrefix("#")
            if significant, let m = currentMethod, indent <= m.indent { currentMethod = nil }
            if significant, let c = currentClass, indent <= c.indent { currentClass = nil }
            if currentMethod == nil, let name = Self.definedName(stripped, keyword: "class") {
                currentClass = (name, indent)
                continue
            }
            if currentMethod == nil, let name = Self.definedName(stripped, keyword: "def") {
                methodSources.append((currentClass?.name, name, []))
                currentMethod = (indent, methodSources.count - 1)
            }
            if let m = currentMethod { methodSources[m.slot].lines.append((i + 1, line)); continue }
            if currentClass != nil { continue }  // class-level statements other than methods (docstrings, constants)
            let code = Self.stripComment(stripped)
            if !code.isEmpty { lines.append(Line(number: i + 1, indent: indent, text: code)) }
        }
    }

    /// The name after `class ` or `def ` at the start of a line (`class BasicBlock(nn.Module):` → BasicBlock).
    private static func definedName(_ stripped: String, keyword: String) -> String? {
        guard stripped.hasPrefix(keyword + " ") else { return nil }
        let rest = stripped.dropFirst(keyword.count + 1).drop { $0 == " " }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }

    mutating func parse() throws -> ModelFile {
        guard !lines.isEmpty else { throw ModelFileError(line: 1, "no module: the file should hold what print(model) prints") }
        let root = try parseModule(lines[0].text, line: lines[0].number, column: lines[0].indent + 1)
        if index < lines.count {
            throw ModelFileError(line: lines[index].number, column: lines[index].indent + 1, "text after the model's closing ')'")
        }
        var file = ModelFile(root: root, forward: nil)
        // forward must parse; other methods (helpers, `_make_layer`, …) only matter if a forward calls them, so a
        // method outside the Python subset is kept with its error, raised if it is called. Dunder methods are skipped.
        for source in methodSources where source.name == "forward" || !(source.name.hasPrefix("__") && source.name.hasSuffix("__")) {
            let method: ForwardMethod
            do { method = try ForwardParser.parseMethod(source.lines) } catch let error as ModelFileError where source.name != "forward" {
                method = ForwardMethod(name: source.name, parameters: [], body: [], line: source.lines.first?.number ?? 1, parseError: error)
            }
            if let className = source.className, className != root.className {
                file.classMethods[className, default: [:]][source.name] = method
            } else {
                file.rootMethods[source.name] = method
            }
        }
        file.forward = file.rootMethods["forward"]
        return file
    }

    /// Parses the module whose header is `text` (the current line) and, for a container, its body; leaves
    /// `index` on the line after the module.
    /// `tokens` are the header's tokens when already read.
    private mutating func parseModule(_ text: String, line: Int, column: Int, tokens: [PyToken]? = nil) throws -> ModuleSpec {
        index += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw ModelFileError(line: line, column: column, "modules nested deeper than \(Self.maxDepth)") }
        guard case .module(let className, let arguments, let argumentsColumn, let closed) = try PrintoutLine.read(text, line: line, column: column, tokens: tokens) else {
            throw ModelFileError(line: line, column: column, "expected a module such as Linear(...) or Net(")
        }
        var spec = ModuleSpec(className: className, line: line)
        if closed {
            let body = arguments.trimmingCharacters(in: .whitespaces)
            if case .child(let name, let rest, let restColumn, let restTokens) = try PrintoutLine.read(body, line: line, column: argumentsColumn) {
                // ParameterList/ParameterDict with one entry print it inline: `ParameterDict(  (a): Parameter …)`.
                spec.isContainer = true
                let next = index
                spec.children += try parseChild(name, rest, restColumn: restColumn, restTokens: restTokens, line: line, column: argumentsColumn)
                index = next
            } else {
                (spec.args, spec.kwargs) = try ReprArguments.parse(String(arguments), line: line, column: argumentsColumn)
            }
            return spec
        }
        spec.isContainer = true
        var children: [ChildSpec] = []
        var extra = arguments.trimmingCharacters(in: .whitespaces)
        while true {
            guard index < lines.count else {
                throw ModelFileError(line: line, column: column, "'\(className)(' is never closed with ')'")
            }
            let current = lines[index]
            switch try PrintoutLine.read(current.text, line: current.number, column: current.indent + 1) {
            case .close:
                spec.endLine = current.number
                index += 1
                spec.children = children
                guard spec.moduleCount <= Self.maxModules else { throw Self.tooManyModules(line: line, column: column) }
                if !extra.isEmpty { (spec.args, spec.kwargs) = try ReprArguments.parse(extra, line: line, column: argumentsColumn) }
                return spec
            case .child(let name, let rest, let restColumn, let restTokens):
                children += try parseChild(name, rest, restColumn: restColumn, restTokens: restTokens, line: current.number, column: current.indent + 1)
            case .module, .extra:
                // A container's own extra_repr lines (custom modules that print arguments and children).
                extra += (extra.isEmpty ? "" : ", ") + current.text
                index += 1
            }
        }
    }

    /// Parses a `(name): rest` line, read by `PrintoutLine.read` (and, for a submodule that is a container, its body).
    private mutating func parseChild(_ name: String, _ rest: Substring, restColumn: Int, restTokens: [PyToken], line: Int,
                                     column: Int) throws -> [ChildSpec] {
        guard !name.isEmpty else { throw ModelFileError(line: line, column: column, "empty child name") }
        switch try PrintoutLine.childKind(rest, tokens: restTokens, line: line, column: restColumn) {
        case .parameterDescription(let description):
            index += 1
            let (shape, dtype) = try Self.tensorDescription(String(description), line: line, column: restColumn)
            return [ChildSpec(name: name, entry: .parameter(shape: shape, dtype: dtype), line: line)]
        case .declaration(let isParameter, let arguments, let argumentsColumn):
            index += 1
            let (args, kwargs) = try ReprArguments.parse(String(arguments), line: line, column: argumentsColumn)
            let dims = args.count == 1 && args[0].intList != nil ? args[0].intList ?? [] : args.compactMap(\.intValue)
            guard dims.count == args.count || args.count == 1, dims.allSatisfy({ $0 >= 0 }) else {
                throw ModelFileError(line: line, column: restColumn, "sizes must be non-negative integers")
            }
            var dtype = DType.float32
            for (key, value) in kwargs {
                guard key == "dtype", case .name(let n) = value, let d = DType(rawValue: n.replacingOccurrences(of: "torch.", with: "")) else {
                    throw ModelFileError(line: line, column: restColumn, "unknown argument '\(key)=\(value.pythonRepr)' (only dtype=torch.<type>)")
                }
                dtype = d
            }
            return [ChildSpec(name: name, entry: isParameter ? .parameter(shape: dims, dtype: dtype) : .buffer(shape: dims, dtype: dtype), line: line)]
        case .tie(let path):
            index += 1
            return [ChildSpec(name: name, entry: .tie(path), line: line)]
        case .repeated(let count, let moduleText, let moduleColumn, let moduleTokens):
            // `(0-3): 4 x Linear(…)`: PyTorch 2 folds identical ModuleList children; they are separate copies.
            let parts = name.split(separator: "-")
            guard parts.count == 2, let first = Int(parts[0]), let last = Int(parts[1]), last.subtractingReportingOverflow(first) == (count - 1, false),
                  count > 0 else {
                throw ModelFileError(line: line, column: column, "repeated children '(\(name)): \(count) x' do not match")
            }
            guard count <= Self.maxRepeat else {
                throw ModelFileError(line: line, column: column, "\(count) repeated children: ckpt builds at most \(Self.maxRepeat) copies of one module")
            }
            let module = try parseModule(String(moduleText), line: line, column: moduleColumn, tokens: moduleTokens)
            return (first...last).map { ChildSpec(name: String($0), entry: .module(module), line: line) }
        case .module:
            return [ChildSpec(name: name, entry: .module(try parseModule(String(rest), line: line, column: restColumn, tokens: restTokens)), line: line)]
        }
    }

    /// `[torch.float32 of size 3x4]` (or `[torch.FloatTensor of size 3x4]`, `[… of size ]` for 0-dim).
    static func tensorDescription(_ text: String, line: Int, column: Int) throws -> ([Int], DType) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("["), t.hasSuffix("]"), let of = t.range(of: " of size") else {
            throw ModelFileError(line: line, column: column, "expected '[torch.float32 of size 3x4]'")
        }
        let typeName = String(t[t.index(after: t.startIndex)..<of.lowerBound])
        var sizeText = String(t[of.upperBound..<t.index(before: t.endIndex)]).trimmingCharacters(in: .whitespaces)
        if let paren = sizeText.firstIndex(of: "(") { sizeText = String(sizeText[..<paren]).trimmingCharacters(in: .whitespaces) }
        var shape: [Int] = []
        if !sizeText.isEmpty {
            for part in sizeText.split(separator: "x") {
                guard let n = Int(part), n >= 0 else { throw ModelFileError(line: line, column: column, "bad size '\(sizeText)'") }
                shape.append(n)
            }
        }
        guard let dtype = dtypeFromTorchName(typeName) else {
            throw ModelFileError(line: line, column: column, "unknown tensor type '\(typeName)'")
        }
        return (shape, dtype)
    }

    /// `torch.float32`, `torch.FloatTensor`, `torch.cuda.HalfTensor` → a DType.
    static func dtypeFromTorchName(_ name: String) -> DType? {
        let short = name.replacingOccurrences(of: "torch.", with: "").replacingOccurrences(of: "cuda.", with: "")
        if let d = DType(rawValue: short) { return d }
        let legacy: [String: DType] = ["FloatTensor": .float32, "DoubleTensor": .float64, "HalfTensor": .float16,
                                       "BFloat16Tensor": .bfloat16, "LongTensor": .int64, "IntTensor": .int32,
                                       "ShortTensor": .int16, "CharTensor": .int8, "ByteTensor": .uint8, "BoolTensor": .bool]
        return legacy[short]
    }

    /// The line without a trailing `# comment` (outside quotes).
    static func stripComment(_ s: String) -> String {
        var quote: Character?
        for (offset, ch) in s.enumerated() {
            if let q = quote { if ch == q { quote = nil }; continue }
            if ch == "'" || ch == "\"" { quote = ch }
            if ch == "#" { return String(s.prefix(offset)).trimmingCharacters(in: .whitespaces) }
        }
        return s
    }
}
