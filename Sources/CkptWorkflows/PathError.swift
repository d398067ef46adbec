/// A problem with a named file that is not a checkpoint format error (those are `FileError`s): a model file that
/// does not build, an input or expected-output file that does not fit, an output path ckpt cannot write.
/// `description` is the CLI's one line, `FILE: what is wrong`.
public struct PathError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong with the file.
    public enum Problem: Sendable, Equatable {
        /// The model file does not exist.
        case noSuchFile
        /// The model file exists but is not UTF-8 text.
        case notText
        /// The model file does not parse or build (the parser's or builder's message, with its line).
        case modelFile(String)
        /// A model built to run would hold more elements than ckpt allocates.
        case modelTooLarge(elements: Int, limit: Int)
        /// A checkpoint leaves more of a model folder's tensors unset than ckpt initialises.
        case tooManyUnset(elements: Int, limit: Int)
        /// The forward pass failed (the engine's message).
        case forwardFailed(String)
        /// The output path's extension names no format ckpt writes; `extensions` lists the usual ones.
        case unknownExtension(extensions: String)
        /// An output file of one tensor (`.npy`) asked to hold several.
        case singleTensorFormat(outputs: Int)
        /// An input file holds no tensor.
        case holdsNoTensors
        /// An input file holds several tensors where one is needed.
        case holdsSeveralTensors(Int)
        /// Expected-output files hold another number of tensors than the model has outputs.
        case expectedCount(expected: Int, outputs: Int)
        /// A tensor that cannot become an engine tensor (its dtype or layout; the engine's message).
        case unreadableTensor(String)
        /// `load-into --complete` was given a model that is not a model file.
        case completionNeedsModelFile
        /// A missing key whose shape fits several tensors: which it is tied to is not in the checkpoint.
        case ambiguousTie(key: String, candidates: [String])
    }

    public var path: String
    public var problem: Problem

    public init(path: String, _ problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

extension PathError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noSuchFile: return "no such file"
        case .notText: return "not a UTF-8 text model file"
        case .modelFile(let message), .forwardFailed(let message), .unreadableTensor(let message): return message
        case .modelTooLarge(let elements, let limit):
            return "the model holds \(elements) elements; ckpt builds models of up to \(limit) to run them "
                + "(count, summary and load-into without -o read only shapes and take any size)"
        case .tooManyUnset(let elements, let limit):
            return "the checkpoint leaves \(elements) elements of the model unset; ckpt initialises up to \(limit)"
        case .unknownExtension(let extensions): return "cannot tell the format from the extension (\(extensions))"
        case .singleTensorFormat(let outputs): return "the model has \(outputs) outputs; .npy holds one (use .npz)"
        case .holdsNoTensors: return "holds no tensors"
        case .holdsSeveralTensors(let n): return "holds \(n) tensors; name one with FILE#KEY"
        case .expectedCount(let expected, let outputs): return "holds \(expected) expected tensors for \(outputs) outputs"
        case .completionNeedsModelFile: return "--complete writes a model file, so MODEL must be one (print(model) text)"
        case .ambiguousTie(let key, let candidates):
            return "cannot complete the model file: '\(key)' is missing and has the shape of "
                + candidates.map { "'\($0)'" }.joined(separator: " and ") + ", and the checkpoint does not say which it is tied to; "
                + "write its tie line yourself, '(\(key)): (NAME)' with the one it is"
        }
    }
}
