import CkptCore
import CkptFormats
import CkptModel
import CkptNN
import CkptReports
import CkptTensor
import Foundation
import OrderedCollections

/// `count`: parameter counts from a checkpoint (metadata only), or exactly from a model (its registered
/// parameters and buffers, built from shapes only, any size).
public enum Counting {
    /// Counts `argument`: a model folder (its architecture, exactly), a checkpoint (`FILE[#ENTRY]`), or, when that is no
    /// checkpoint format but text, a model file.
    /// A binary file in no known format keeps the format error.
    public static func run(_ argument: String, depth: Int = 1) throws -> CountReport {
        if case .folder = ModelSource(argument: argument) { return try count(ModelSource(argument: argument), depth: depth) }
        do {
            return CountReport(stateDict: try Checkpoint.read(reference: argument).stateDict, depth: depth)
        } catch let e as FileError where e.underlying.isUnrecognized {
            guard isText(e.path) else { throw e }
            return try count(ModelSource(argument: e.path), depth: depth)
        }
    }

    /// Counts a model's parameters and buffers as PyTorch's `parameters()` and `buffers()` give them, with a note
    /// when modules of classes ckpt does not implement were counted as parameter-free.
    public static func count(_ model: ModelSource, depth: Int = 1) throws -> CountReport {
        count(try model.build(initialized: false), depth: depth)
    }

    /// Counts a built module as `count(_:depth:)` counts the model it builds.
    public static func count(_ module: Module, depth: Int = 1) -> CountReport {
        var report = CountReport(module: module, depth: depth)
        report.notes = opaqueNote(module).map { [$0] } ?? []
        return report
    }

    /// `count MODEL CHECKPOINT`: the model file completed from the checkpoint (the `Parameter` and tie lines its
    /// printout cannot show, as `load-into --complete` writes them) and counted; the notes list what was added and why.
    public static func count(_ model: ModelSource, completedBy checkpoint: CheckpointReference, depth: Int = 1) throws -> CountReport {
        guard case .modelFile(let path) = model else { throw PathError(path: model.path, .completionNeedsModelFile) }
        let session = try LoadSession(model: model, checkpoint: checkpoint, values: false)
        _ = try session.load()
        guard let result = session.result else { return try count(model, depth: depth) }
        let completion = try session.completion(of: result)
        if let a = completion.ambiguities.first { throw PathError(path: checkpoint.file, .ambiguousTie(key: a.key, candidates: a.candidates)) }
        guard !completion.additions.isEmpty else { return try count(model, depth: depth) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw PathError(path: path, .notText) }
        let completed: String
        do { completed = try ModelFile.adding(completion.additions, to: text) } catch let e as ModelFileError {
            throw PathError(path: path, .modelFile(e.description))
        }
        let module = try EngineContext.with(\.isShapesOnly, true) { try ModelSource.build(text: completed, path: path) }
        var report = CountReport(module: module, depth: depth)
        report.notes = completion.additions.map { "added '\($0.line)'" + ($0.module.isEmpty ? "" : " inside '\($0.module)'") + ": \($0.evidence)" }
            + (opaqueNote(module).map { [$0] } ?? [])
        return report
    }

    /// True when the file's first bytes are UTF-8 text without NULs (a model file, not a binary checkpoint).
    public static func isText(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = h.readData(ofLength: 4096)
        return !head.isEmpty && !head.contains(0) && String(data: head, encoding: .utf8) != nil
    }

    /// A note when the model has modules of classes ckpt does not implement: printed without sizes, they count as
    /// parameter-free, which is wrong for those that hold weights (`T5LayerNorm()`).
    static func opaqueNote(_ module: Module) -> String? {
        var classes: OrderedDictionary<String, Int> = [:]
        for (_, m) in module.namedModules() where m is OpaqueModule { classes[m.typeName, default: 0] += 1 }
        guard !classes.isEmpty else { return nil }
        let list = classes.map { $0.value == 1 ? $0.key : "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "\(classes.values.reduce(0, +)) module(s) of classes ckpt does not implement (\(list)) are counted as parameter-free; "
            + "if they hold weights, give them their Parameter lines in the model file (`(weight): Parameter(512)`), or the count is low"
    }
}
