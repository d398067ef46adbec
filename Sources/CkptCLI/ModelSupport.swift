import ArgumentParser
import CkptCore
import CkptFormats
import CkptModel
import CkptNN
import CkptTensor
import CkptReports
import Foundation
import OrderedCollections

/// An error about a named file that is not a checkpoint format error (a model file's syntax, a bad input).
struct PathError: Error, CustomStringConvertible {
    var path: String
    var message: String
    var description: String { "\(path): \(message)" }
}

/// Options every command that loads a checkpoint into a model shares.
struct LoadOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Fail on missing or unexpected keys, as load_state_dict(strict=True). Size mismatches fail either way.")
    var strict = true

    @Option(name: .customLong("map"), help: ArgumentHelp("Rename checkpoint keys first: REGEX=REPLACEMENT (repeatable; $1 or \\1 for groups).", valueName: "regex=replacement"))
    var map: [String] = []

    @Option(name: .customLong("match"), help: ArgumentHelp("'shape': align differently named tensors by registration order and shape.", valueName: "shape"))
    var match: String?

    func validate() throws {
        if let m = match, m != "shape" { throw ValidationError("--match accepts only 'shape'") }
    }
}

/// Reading model files and checkpoints, and loading one into the other, for load-into, verify, run and summary.
enum ModelSupport {
    /// Builds the model a model file describes; with `initialized: false` only its keys and shapes are real (see
    /// `EngineContext.isShapesOnly`), for commands that never read its values.
    static func model(_ path: String, initialized: Bool = true) throws -> Module {
        let shapes = try EngineContext.with(\.isShapesOnly, true) { try build(path) }
        guard initialized else { return shapes }
        // Built to run, every tensor is allocated and initialised: refuse, before allocating, a file asking for
        // more than a machine running ckpt can be expected to hold.
        let elements = (shapes.parameters() + shapes.namedBuffers().map(\.1)).reduce(0) { $0 + $1.numel }
        guard elements <= maxRunElements else {
            throw PathError(path: path, message: "the model holds \(elements) elements; ckpt builds models of up to \(maxRunElements) to run them "
                            + "(count, summary and load-into without -o read only shapes and take any size)")
        }
        return try build(path)
    }

    /// Most parameter and buffer elements a model built to run may hold (8 GiB of float32).
    static var maxRunElements: Int { EngineContext.current.limits.maxModelElements }

    private static func build(_ path: String) throws -> Module {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PathError(path: path, message: FileManager.default.fileExists(atPath: path) ? "not a UTF-8 text model file" : "no such file")
        }
        do { return try ModelBuilder.build(text: text) } catch let e as ModelFileError {
            throw PathError(path: path, message: e.description)
        } catch let e as NNError {
            throw PathError(path: path, message: e.description)
        }
    }

    /// The entries PyTorch training scripts keep a model's weights under.
    static let stateDictEntries = ["state_dict", "model_state_dict", "model"]

    /// Reads `FILE[#ENTRY]`; without an entry, a training checkpoint's `state_dict`/`model_state_dict`/`model` entry
    /// is used when the top level holds no tensors itself (the note says so).
    static func checkpointTensors(_ reference: String) throws -> (tensors: OrderedDictionary<String, TensorEntry>, note: String?) {
        let checkpoint = try Checkpoint.read(reference: reference)
        let path = CheckpointReference.filePath(reference)
        guard path == reference, let root = checkpoint.stateDict.root.dict,
              !root.items.values.contains(where: { $0.tensor != nil }) else {
            return (checkpoint.stateDict.tensors, nil)
        }
        for name in stateDictEntries {
            if let entry = root[name], entry.dict != nil, let sub = try? checkpoint.stateDict.entry(name), !sub.tensors.isEmpty {
                return (sub.tensors, "using entry '\(name)' of \(path) (a training checkpoint); name another with \(path)#ENTRY")
            }
        }
        return (checkpoint.stateDict.tensors, nil)
    }

    /// The checkpoint's tensors renamed by `--map` and `--match shape`, and the renames applied.
    static func align(_ tensors: OrderedDictionary<String, TensorEntry>, to model: Module, options: LoadOptions) throws
        -> (tensors: OrderedDictionary<String, TensorEntry>, renamed: [(from: String, to: String)], notes: [String]) {
        let keyMap = try KeyMap(options.map)
        var renamed = keyMap.renamed(tensors.keys)
        var notes: [String] = []
        var mapped = try keyMap.apply(to: tensors)
        if options.match == "shape" {
            let modelShapes = model.stateDict().map { (key: $0.key, shape: $0.value.shape) }
            let (pairs, ambiguities) = ShapeMatcher.match(model: modelShapes, checkpoint: mapped.map { (key: $0.key, shape: $0.value.shape) })
            notes = ambiguities.map(\.description)
            let target = Dictionary(uniqueKeysWithValues: pairs.map { ($0.from, $0.to) })
            var rekeyed = OrderedDictionary<String, TensorEntry>()
            for (k, v) in mapped { rekeyed[target[k] ?? k] = v }
            mapped = rekeyed
            let original = Dictionary(uniqueKeysWithValues: renamed.map { ($0.to, $0.from) })
            renamed = renamed.filter { target[$0.to] == nil } + pairs.map { (original[$0.from] ?? $0.from, $0.to) }
        }
        return (mapped, renamed, notes)
    }
}
