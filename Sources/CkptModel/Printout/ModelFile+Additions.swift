import Foundation

/// A line to add to a model file, inside one of its modules: a `Parameter`/`Buffer` declaration or a tie that
/// `print(model)` cannot show, with why it is added.
public struct ModelFileAddition: Sendable, Equatable, Codable {
    /// The dotted path of the module the line goes in (`embeddings`; `""` for the root).
    public var module: String
    /// The line, without indentation: `(cls_token): Parameter containing: [torch.float32 of size 1x1x16]`.
    public var line: String
    /// The evidence for it, written above it as a comment.
    public var evidence: String

    public init(module: String, line: String, evidence: String) { self.module = module; self.line = line; self.evidence = evidence }
}

extension ModelFile {
    /// `text` with `additions` written in: each line, after a `# evidence` comment, at the end of its module's block
    /// (one printed on one line, `T5LayerNorm()`, is opened into a block). A module shared by a folded run
    /// (`(0-11): 12 x BertLayer(`) takes each line once, for every copy. The result parses.
    public static func adding(_ additions: [ModelFileAddition], to text: String) throws -> String {
        let file = try parse(text)
        var lines = text.components(separatedBy: "\n")
        var byModule: [Int: (spec: ModuleSpec, lines: [String])] = [:]
        for addition in additions {
            guard let spec = file.root.module(at: addition.module) else {
                throw ModelFileError(line: file.root.line, "no module '\(addition.module)' for the line '\(addition.line)'")
            }
            var entry = byModule[spec.line] ?? (spec, [])
            let comment = "# " + addition.evidence.replacingOccurrences(of: "\n", with: " ")
            if !entry.lines.contains(addition.line) { entry.lines += [comment, addition.line] }
            byModule[spec.line] = entry
        }
        // Each edit changes lines at and below where it writes (a block's closing line, a one-line module's line): made
        // from the bottom up, the line numbers of what is still to edit do not move.
        for (line, entry) in byModule.sorted(by: { $0.value.spec.endLine > $1.value.spec.endLine }) {
            let header = lines[line - 1]
            let indent = String(header.prefix { $0 == " " })
            let body = entry.lines.map { indent + "  " + $0 }
            if entry.spec.isContainer {
                guard entry.spec.endLine > line else {
                    throw ModelFileError(line: line, "\(entry.spec.className) is printed on one line with its children; write it as a block first")
                }
                lines.insert(contentsOf: body, at: entry.spec.endLine - 1)
            } else {
                let trimmed = header.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasSuffix(")"), let close = header.lastIndex(of: ")") else {
                    throw ModelFileError(line: line, "expected the module's ')' at the end of the line")
                }
                lines.replaceSubrange((line - 1) ..< line, with: [String(header[..<close])] + body + [indent + ")"])
            }
        }
        let result = lines.joined(separator: "\n")
        _ = try parse(result)
        return result
    }
}

extension ModuleSpec {
    /// The module at a dotted path of child names under this one (`""` is this one).
    public func module(at path: String) -> ModuleSpec? {
        var spec = self
        for name in path.split(separator: ".", omittingEmptySubsequences: true) {
            guard let child = spec.children.first(where: { $0.name == name }), case .module(let next) = child.entry else { return nil }
            spec = next
        }
        return spec
    }
}
