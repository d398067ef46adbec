import ArgumentParser
import CkptCore
import CkptFormats
import CkptNN
import CkptReports
import Foundation
import OrderedCollections

/// `ckpt load-into MODEL CHECKPOINT`: `load_state_dict` with every problem reported at once.
struct LoadIntoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-into",
        abstract: "Load a checkpoint into a model as load_state_dict does; report missing, unexpected and mis-sized keys.",
        discussion: """
            Exit status 0 when everything loads (with --no-strict, missing and unexpected keys are reported but do \
            not fail; size mismatches always fail), 1 when it does not, 2 on trouble.
            """)

    @Argument(help: "The model file: print(model) text, optionally with a pasted forward.")
    var model: String

    @Argument(help: "The checkpoint (FILE or FILE#ENTRY).")
    var checkpoint: String

    @OptionGroup var load: LoadOptions

    @Flag(help: "Print the checkpoint-key → model-key mapping without loading.")
    var plan = false

    @Option(name: .short, help: ArgumentHelp("Write the model's state_dict after loading (model key names) to this file.", valueName: "out"))
    var output: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    @Flag(name: [.short, .long], help: "Print nothing; the exit status answers.")
    var quiet = false

    func run() throws {
        var ok = false
        try CLI.guarded {
            let module = try ModelSupport.model(model, initialized: output != nil)
            let (raw, note) = try ModelSupport.checkpointTensors(checkpoint)
            let (tensors, renamed, matchNotes) = try ModelSupport.align(raw, to: module, options: load)
            if plan {
                if !quiet {
                    print(Self.planText(module: module, tensors: tensors, renamed: renamed))
                    for n in matchNotes { print("note: " + n) }
                }
                ok = true
                return
            }
            // Without -o only keys and shapes matter: no tensor bytes are read.
            let result = output == nil ? try module.loadReport(tensors, strict: load.strict) : try module.load(tensors, strict: load.strict)
            let ties = Self.tieNotes(module: module, result: result, tensors: tensors)
            let report = LoadIntoReport(model: model, checkpoint: checkpoint, modelClass: module.typeName,
                                        modelTensors: module.stateDict().count, load: result, renamed: renamed,
                                        notes: (note.map { [$0] } ?? []) + matchNotes + ties)
            if let output, report.ok { try Self.write(module: module, loaded: tensors, result: result, to: output) }
            if json { try CLI.printJSON(report) } else if !quiet { print(Self.text(report)) }
            ok = report.ok
        }
        if !ok { throw ExitCode(1) }
    }

    /// Diagnosis lines for missing keys that are (or probably should be) tied to a loaded embedding.
    static func tieNotes(module: Module, result: LoadReport, tensors: OrderedDictionary<String, TensorEntry>) -> [String] {
        let own = module.stateDict()
        var ties: [String: String] = [:]
        for key in result.missingKeys {
            if let t = own[key], let partner = own.first(where: { $0.key != key && $0.value === t })?.key { ties[key] = partner }
        }
        return TieDiagnosis.suggest(missing: result.missingKeys, ties: ties, loaded: Set(result.loaded),
                                    modelShapes: Dictionary(own.map { ($0.key, $0.value.shape) }) { a, _ in a },
                                    checkpointShapes: Dictionary(tensors.map { ($0.key, $0.value.shape) }) { a, _ in a })
    }

    /// Writes the model's state dict: checkpoint bytes for the keys that loaded (lossless), the model's values for the rest.
    static func write(module: Module, loaded: OrderedDictionary<String, TensorEntry>, result: LoadReport, to path: String) throws {
        guard let format = CheckpointFormat.forWriting(path: path) else {
            throw PathError(path: path, message: "cannot tell the format from the extension (.pt .h5 .safetensors .npz)")
        }
        let done = Set(result.loaded)
        var out = OrderedDictionary<String, TensorEntry>()
        for (key, entry) in try module.stateDictEntries() {
            if done.contains(key), let saved = loaded[key] { out[key] = saved } else { out[key] = entry }
        }
        try Checkpoint.write(StateDict(tensors: out), to: path, format: format)
    }

    static func planText(module: Module, tensors: OrderedDictionary<String, TensorEntry>, renamed: [(from: String, to: String)]) -> String {
        let origin = Dictionary(uniqueKeysWithValues: renamed.map { ($0.to, $0.from) })
        let modelKeys = module.stateDict()
        var t = TextTable([("", .left), ("", .left), ("", .left)])
        for (key, tensor) in modelKeys {
            if let entry = tensors[key] {
                let fit = entry.shape == tensor.shape ? "" : "  size mismatch: \(entry.shape) vs \(tensor.shape)"
                t.add([origin[key] ?? key, "→ " + key, fit])
            } else {
                t.add(["(missing)", "→ " + key, ""])
            }
        }
        for key in tensors.keys where modelKeys[key] == nil { t.add([origin[key] ?? key, "→ (unexpected)", ""]) }
        return t.render(header: false)
    }

    static func text(_ r: LoadIntoReport) -> String {
        var lines = ["model       \(r.model) (\(r.modelClass), \(r.modelTensors) tensors)",
                     "checkpoint  \(r.checkpoint)",
                     "loaded      \(r.loaded) of \(r.modelTensors) tensors" + (r.strict ? "" : " (non-strict)")]
        if !r.renamed.isEmpty {
            lines.append("renamed (\(r.renamed.count)):")
            var t = TextTable([("", .left), ("", .left)])
            for x in r.renamed.prefix(50) { t.add(["  " + x.from, "→ " + x.to]) }
            lines.append(t.render(header: false))
            if r.renamed.count > 50 { lines.append("  … \(r.renamed.count - 50) more") }
        }
        func keys(_ title: String, _ keys: [String]) {
            guard !keys.isEmpty else { return }
            lines.append("\(title) (\(keys.count)):")
            let patterns = KeyRanges.patterns(keys)
            lines += patterns.prefix(12).map { "  " + $0 }
            if patterns.count > 12 { lines.append("  … \(patterns.count - 12) more (--json lists every key)") }
        }
        keys("missing keys", r.missingKeys)
        keys("unexpected keys", r.unexpectedKeys)
        if !r.sizeMismatch.isEmpty {
            lines.append("size mismatch (\(r.sizeMismatch.count)):")
            var t = TextTable([("", .left), ("", .left), ("", .left)])
            for m in r.sizeMismatch { t.add(["  " + m.key, "checkpoint \(m.checkpoint)", "model \(m.model)"]) }
            lines.append(t.render(header: false))
        }
        if !r.diagnosis.isEmpty {
            lines.append("diagnosis:")
            lines += r.diagnosis.map { "  - " + $0 }
        }
        if let error = r.pytorchError { lines.append("\nPyTorch would raise RuntimeError: " + error) }
        lines.append(r.ok ? "OK" : "FAILED")
        return lines.joined(separator: "\n")
    }
}
