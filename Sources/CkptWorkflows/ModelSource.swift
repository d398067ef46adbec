import CkptFormats
import CkptModel
import CkptNN
import CkptTensor
import Foundation

/// Where a model comes from, as the MODEL argument names it. Every command that takes a MODEL (count, summary,
/// load-into, verify, run, init) goes through `build`, so a new kind of source is one new case here.
public enum ModelSource: Sendable, Equatable, CustomStringConvertible {
    /// A model file: printout text, optionally with a forward method. A `config.json` beside it gives the arguments
    /// its transformers classes do not print (`LlamaForCausalLM(` … `)` builds as ckpt's LlamaForCausalLM).
    case modelFile(path: String)
    /// A Hugging Face model folder, or its `config.json`: the architecture built from the config, the folder's
    /// weights its own.
    case folder(path: String)

    /// The source a MODEL argument names: a folder with a `config.json`, or a config file, is a model folder.
    public init(argument: String) {
        self = ModelFolder.configPath(argument) != nil ? .folder(path: argument) : .modelFile(path: argument)
    }

    /// The path as the user gave it (for messages and reports).
    public var path: String {
        switch self {
        case .modelFile(let path), .folder(let path): return path
        }
    }

    public var description: String { path }

    /// The weights the source carries itself, used when no CHECKPOINT is given: a folder's (read through its
    /// config.json, format `folder`); nil for a model file.
    public var ownWeights: CheckpointReference? {
        switch self {
        case .modelFile: return nil
        case .folder(let path): return CheckpointReference(path)
        }
    }

    /// The checkpoint a command loads: the CHECKPOINT argument when given, else the source's own weights.
    public func checkpoint(_ argument: String?) throws -> CheckpointReference {
        if let argument { return CheckpointReference(argument) }
        guard let own = ownWeights else { throw ArgumentError.noCheckpoint(path) }
        return own
    }

    /// Most parameter and buffer elements a model built to run may hold: the current engine context's limit
    /// (2^31 by default, 8 GiB of float32).
    public static var maxRunElements: Int { EngineContext.current.limits.maxModelElements }

    /// Builds the module. With `initialized: false` only its keys and shapes are real (no tensor memory), for
    /// commands that never read its values (count, summary without a forward, load-into without -o); built to
    /// run, a model over `maxRunElements` is refused before anything is allocated. Random initial values come from
    /// the current engine context's generator.
    public func build(initialized: Bool = true) throws -> Module {
        let build = try builder()  // the file read and parsed once, for both builds
        let shapes = try EngineContext.with(\.isShapesOnly, true) { try build() }
        guard initialized else { return shapes }
        let elements = (shapes.parameters() + shapes.namedBuffers().map(\.1)).reduce(0) { $0 + $1.numel }
        let limit = Self.maxRunElements
        guard elements <= limit else { throw PathError(path: path, .modelTooLarge(elements: elements, limit: limit)) }
        return try build()
    }

    /// Whether a session loading this source builds it without values and gives it the checkpoint's tensors as they
    /// lie in the file (a model folder: transformers' architectures, which initialise what a checkpoint leaves out as
    /// `from_pretrained` does). Random values for a LLaMA-sized model would cost more time and memory than its run.
    public var bindsCheckpoint: Bool {
        if case .folder = self { return true }
        return false
    }

    /// The module with keys and shapes only, for a load that supplies its values (`bindsCheckpoint`): no values drawn,
    /// no parameter memory touched, so its size is not limited here; what the load leaves unset is initialised after
    /// it, within `maxRunElements`.
    public func buildForLoading() throws -> Module {
        let build = try builder()
        return try EngineContext.with(\.isShapesOnly, true) { try build() }
    }

    /// Reads the source (a model file's text, parsed; a folder's config) and returns what builds a module from it,
    /// a new one at each call.
    private func builder() throws -> () throws -> Module {
        switch self {
        case .modelFile(let path):
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw PathError(path: path, FileManager.default.fileExists(atPath: path) ? .notText : .noSuchFile)
            }
            let (file, builder) = try Self.namingErrors(path) { (try ModelFile.parse(text), ModelBuilder(catalog: Self.catalog(beside: path))) }
            return { try Self.namingErrors(path) { try builder.build(file) } }
        case .folder(let path):
            guard let configPath = ModelFolder.configPath(path) else { throw PathError(path: path, .noSuchFile) }
            func namingErrors<T>(_ body: () throws -> T) throws -> T {
                do { return try body() } catch let e as PretrainedConfigError {
                    throw PathError(path: e.path, .modelFile(e.message))
                } catch let e as NNError {
                    throw PathError(path: configPath, .modelFile(e.description))
                }
            }
            let config = try namingErrors { try PretrainedConfig(contentsOf: configPath) }
            return { try namingErrors { try PretrainedArchitectures.build(config) } }
        }
    }

    /// The layers a model file may name: every layer ckpt implements, and, when a `config.json` of a model type ckpt
    /// builds sits beside the file, that architecture's transformers classes built from it.
    static func catalog(beside path: String) -> LayerCatalog {
        let configPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("config.json")
        guard ModelFolder.isConfigFile(configPath), let config = try? PretrainedConfig(contentsOf: configPath),
              let schemas = try? PretrainedArchitectures.schemas(config) else { return .standard }
        return LayerCatalog(schemas + LayerSchema.standard)
    }

    /// Builds model-file `text` as the file at `path` (a `config.json` beside it gives what its printout hides).
    static func build(text: String, path: String) throws -> Module {
        try namingErrors(path) { try ModelBuilder(catalog: catalog(beside: path)).build(ModelFile.parse(text)) }
    }

    /// Runs `body`, turning the model-file parser's and builder's errors into errors naming `path`.
    private static func namingErrors<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ModelFileError {
            throw PathError(path: path, .modelFile(e.description))
        } catch let e as NNError {
            throw PathError(path: path, .modelFile(e.description))
        } catch let e as PretrainedConfigError {
            throw PathError(path: e.path, .modelFile(e.message))
        }
    }
}
