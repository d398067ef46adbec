import CkptCore

/// What ckpt needs of a TorchScript class from its source in `code/` (FORMATS-MORE.md 2.3): whether it is a
/// module, and which attributes are parameters and buffers. `torch/csrc/jit/serialization/python_print.cpp`
/// writes them as the first lines of the class body, `__parameters__ = ["weight", "bias", ]` and
/// `__buffers__ = [...]`; old exporters write no `__buffers__` (none then). The source is only read, never run.
struct TorchScriptClass: Equatable {
    var isModule: Bool
    var parameters: [String] = []
    var buffers: [String] = []

    /// Every top-level class of one code file, by name.
    static func parse(_ source: String, file: String) throws -> [String: TorchScriptClass] {
        var classes: [String: TorchScriptClass] = [:]
        var current: String?
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("class ") {
                // `class Name(Base):`
                let head = line.dropFirst("class ".count)
                let name = head.prefix { $0 != "(" && $0 != ":" }.trimmingCharacters(in: .whitespaces)
                let base = head.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
                current = name
                classes[name] = TorchScriptClass(isModule: base == "Module")
            } else if let name = current, line.hasPrefix("  __parameters__ = ") {
                classes[name]?.parameters = try names(line.dropFirst("  __parameters__ = ".count), file: file)
            } else if let name = current, line.hasPrefix("  __buffers__ = ") {
                classes[name]?.buffers = try names(line.dropFirst("  __buffers__ = ".count), file: file)
            }
        }
        return classes
    }

    /// A printed list of string literals: `["weight", "bias", ]`, `[]`.
    static func names(_ text: Substring, file: String) throws -> [String] {
        func bad() -> CheckpointError { .malformed("\(file): cannot read the attribute list \(text.prefix(80))") }
        var out: [String] = []
        var rest = text.trimmingCharacters(in: .whitespaces)[...]
        guard rest.first == "[", rest.last == "]" else { throw bad() }
        rest = rest.dropFirst().dropLast()
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let quote = rest.first else { return out }
            guard quote == "\"" || quote == "'" else { throw bad() }
            rest = rest.dropFirst()
            var name = "", closed = false
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == quote { closed = true; break }
                if c == "\\", let next = rest.first {
                    rest = rest.dropFirst()
                    switch next {
                    case "n": name.append("\n")
                    case "t": name.append("\t")
                    default: name.append(next)
                    }
                } else {
                    name.append(c)
                }
            }
            guard closed else { throw bad() }
            out.append(name)
        }
    }
}
