import CkptModel
import CkptNN
import CkptTensor
import Foundation

/// Where a model comes from, as the MODEL argument names it. Every command that takes a MODEL (count, summary,
/// load-into, verify, run, init) goes through `build`, so a new kind of source is one new case here.
///
/// Today the only source is a model file (a `print(model)` printout, optionally with a pasted forward). A Hugging
/// Face folder (`config.json` + weights) becomes a case `.folder(path:)`: `init(argument:)` recognises it,
/// `build` makes the architecture from the config, and `ownWeights` names the folder's weights so that
/// `LoadSession` can leave the CHECKPOINT argument out.
public enum ModelSource: Sendable, Equatable, CustomStringConvertible {
    /// A model file: printout text, optionally with a forward method.
    case modelFile(path: String)

    /// The source a MODEL argument names.
    public init(argument: String) {
        self = .modelFile(path: argument)
    }

    /// The path as the user gave it (for messages and reports).
    public var path: String {
        switch self {
        case .modelFile(let path): return path
        }
    }

    public var description: String { path }

    /// The weights the source carries itself, used when no CHECKPOINT is given; nil for a model file.
    public var ownWeights: CheckpointReference? {
        switch self {
        case .modelFile: return nil
        }
    }

    /// Most parameter and buffer elements a model built to run may hold: the current engine context's limit
    /// (2^31 by default, 8 GiB of float32).
    public static var maxRunElements: Int { EngineContext.current.limits.maxModelElements }

    /// Builds the module. With `initialized: false` only its keys and shapes are real (no tensor memory), for
    /// commands that never read its values (count, summary without a forward, load-into without -o); built to
    /// run, a model over `maxRunElements` is refused before anything is allocated. Random initial values come from
    /// the current engine context's generator.
    public func build(initialized: Bool = true) throws -> Module {
        let shapes = try EngineContext.with(\.isShapesOnly, true) { try buildModule() }
        guard initialized else { return shapes }
        let elements = (shapes.parameters() + shapes.namedBuffers().map(\.1)).reduce(0) { $0 + $1.numel }
        let limit = Self.maxRunElements
        guard elements <= limit else { throw PathError(path: path, .modelTooLarge(elements: elements, limit: limit)) }
        return try buildModule()
    }

    private func buildModule() throws -> Module {
        switch self {
        case .modelFile(let path):
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw PathError(path: path, FileManager.default.fileExists(atPath: path) ? .notText : .noSuchFile)
            }
            do { return try ModelBuilder.build(text: text) } catch let e as ModelFileError {
                throw PathError(path: path, .modelFile(e.description))
            } catch let e as NNError {
                throw PathError(path: path, .modelFile(e.description))
            }
        }
    }
}
