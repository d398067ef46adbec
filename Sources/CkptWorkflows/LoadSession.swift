import CkptCore
import CkptFormats
import CkptModel
import CkptNN
import CkptReports
import CkptTensor
import OrderedCollections

/// One model and one checkpoint on their way into each other: the model built, the checkpoint read (a training
/// checkpoint's weights entry found), its keys renamed and matched to the model's, then loaded as
/// `load_state_dict` does. load-into, verify and run are this session plus what they do with the result.
///
/// Reading order is the error order a user sees: the model first, then the checkpoint, then the `--map` rules.
/// A session keeps the engine context it was opened in (its generator, limits, hooks) and runs its later work in
/// it too, wherever that work is called from.
public final class LoadSession {
    public let model: ModelSource
    public let checkpoint: CheckpointReference
    public let options: LoadOptions
    /// The model; with `values: false` only its keys and shapes are real.
    public let module: Module
    /// The checkpoint's tensors under the model's names, the renames, and what `--match shape` left ambiguous.
    public let alignment: KeyAlignment
    /// Which entry of a training checkpoint the weights came from, when the session chose it.
    public let entryNote: String?
    /// Whether `load()` copies values (the model was built with real tensors) or checks keys and shapes only.
    public let values: Bool
    /// The outcome of the last `load()`.
    public private(set) var result: LoadReport?
    /// Whether the model was built without values, to take the checkpoint's tensors where they lie (a model folder);
    /// `load()` then initialises what the checkpoint did not supply.
    let bindsCheckpoint: Bool
    /// The engine context the session was opened in, and runs in.
    public let context: EngineContext
    /// What `from_pretrained`'s rules changed, for a transformers architecture (diagnosis lines).
    let pretrainedNotes: [String]
    /// Where loads and forward passes report how far they got (silent unless a caller sets one).
    public var progress: ProgressReporter = SilentProgress()

    /// Builds the model and reads and aligns the checkpoint; nothing is loaded yet. With `values: false` the model
    /// holds shapes only (any size; no tensor bytes are read by `load()`).
    public init(model: ModelSource, checkpoint: CheckpointReference, options: LoadOptions = LoadOptions(), values: Bool = true) throws {
        self.model = model
        self.checkpoint = checkpoint
        self.options = options
        self.values = values
        context = EngineContext.current
        bindsCheckpoint = values && model.bindsCheckpoint
        module = bindsCheckpoint ? try model.buildForLoading() : try model.build(initialized: values)
        let pretrained = module as? PretrainedModel
        let (tensors, note) = try checkpoint.modelTensors(huggingFaceNames: pretrained != nil)
        entryNote = note
        var aligned = try KeyAlignment(tensors, modelShapes: module.stateDict().map { (key: $0.key, shape: $0.value.shape) },
                                       keyMap: try KeyMap(options.keyMap), matchShapes: options.matching == .shape)
        var notes: [String] = []
        if let pretrained {
            // A transformers architecture loads as from_pretrained does, after the user's own --map rules.
            (aligned.tensors, notes) = pretrained.loading.adapt(aligned.tensors, into: module)
        }
        alignment = aligned
        pretrainedNotes = notes
    }

    /// The checkpoint-key → model-key mapping `load()` would follow (`load-into --plan`), with the notes.
    public var plan: LoadPlan {
        LoadPlan(modelShapes: module.stateDict().map { (key: $0.key, shape: $0.value.shape) },
                 checkpointShapes: alignment.tensors.map { (key: $0.key, shape: $0.value.shape) },
                 renamed: alignment.renamed, notes: alignment.notes)
    }

    /// Loads the aligned tensors as `load_state_dict(strict=)` does and reports every problem at once, with the
    /// diagnosis: the entry used, ambiguous matches, tied weights, and `LoadDiagnosis`' known causes.
    public func load() throws -> LoadIntoReport {
        let tensors = alignment.tensors
        let own = module.stateDict()
        progress.begin("load", totalBytes: tensors.filter { own[$0.key] != nil }.reduce(0) { $0 + $1.value.byteCount })
        defer { progress.finish() }
        var result = try inContext {
            values ? try module.load(tensors, strict: options.strict, progress: { [progress] in progress.advance($0) })
                : try module.loadReport(tensors, strict: options.strict)
        }
        var tied: [String] = []
        if let pretrained = module as? PretrainedModel { (result, tied) = pretrained.loading.forgiveTies(result) }
        // Only a model that loaded will run: one that did not (size mismatches, or missing keys under strict) keeps
        // its unset tensors as the lazy zero pages it was built with.
        if bindsCheckpoint, result.ok { try initializeUnloaded(own, loaded: result.loaded) }
        self.result = result
        return LoadIntoReport(model: model.path, checkpoint: checkpoint.reference, modelClass: module.typeName,
                              modelTensors: own.count, load: result, renamed: alignment.renamed,
                              notes: (entryNote.map { [$0] } ?? []) + alignment.notes + pretrainedNotes + tied + (try completion(of: result)).diagnosis)
    }

    /// Gives the tensors a load left unset (missing from the checkpoint, or of another size) the values
    /// `from_pretrained` gives them (the class's `_init_weights`), refusing more than `maxRunElements` of them; tied
    /// tensors loaded under another name are set.
    private func initializeUnloaded(_ own: OrderedDictionary<String, Tensor>, loaded: [String]) throws {
        let done = Set(loaded.compactMap { own[$0].map(ObjectIdentifier.init) })
        var unset: [ObjectIdentifier: Tensor] = [:]
        for (_, t) in own where !done.contains(ObjectIdentifier(t)) { unset[ObjectIdentifier(t)] = t }
        guard !unset.isEmpty else { return }
        let elements = unset.values.reduce(0) { $0 + $1.numel }
        let limit = ModelSource.maxRunElements
        guard elements <= limit else { throw PathError(path: checkpoint.reference, .tooManyUnset(elements: elements, limit: limit)) }
        inContext { (module as? PretrainedModel)?.initializeWeights(only: Set(unset.keys)) }
    }

    /// `load-into`: loads, and when everything loaded and `output` is given, writes the model's state_dict there
    /// (model key names, in `output`'s format). The session must have been built with `values: true` to write.
    public func loadInto(writingTo output: String?) throws -> LoadIntoReport {
        let report = try load()
        if let output, report.ok { try writeStateDict(to: output) }
        return report
    }

    /// Writes the model's state_dict after `load()`: the checkpoint's bytes for the keys that loaded (lossless, in
    /// their stored dtype), the model's own values for the rest.
    public func writeStateDict(to path: String) throws {
        guard let format = CheckpointFormat.forWriting(path: path) else {
            throw PathError(path: path, .unknownExtension(extensions: ".pt .h5 .safetensors .npz"))
        }
        let done = Set(result?.loaded ?? [])
        var out = OrderedDictionary<String, TensorEntry>()
        for (key, entry) in try module.stateDictEntries() {
            if done.contains(key), let saved = alignment.tensors[key] { out[key] = saved } else { out[key] = entry }
        }
        try Checkpoint.write(StateDict(tensors: out), to: path, format: format)
    }

    /// Runs `body` in the session's engine context.
    func inContext<R>(_ body: () throws -> R) rethrows -> R {
        try EngineContext.with(context, body)
    }
}
