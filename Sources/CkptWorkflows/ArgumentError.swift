/// A bad value given on the command line (or to a workflow by a library caller): exit status 2, one line.
/// The messages name the command-line option, since that is where a user typed the value.
public enum ArgumentError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `--dtype` names no dtype.
    case unknownDType(String)
    /// `--input-shape` is not positive sizes separated by commas.
    case badInputShape(String)
    /// `--input-shape` asks for more elements than a random input may hold.
    case inputShapeTooLarge(String)
    /// A forward pass without `--input` or `--input-shape`.
    case noInput
    /// `--init` names no `torch.nn.init` function ckpt has.
    case unknownInitializer(String)
    /// `--init NAME` lacks a required argument.
    case initializerNeeds(initializer: String, argument: String)
    /// `--init NAME:…` has an argument that is not a number.
    case initializerNotANumber(initializer: String, value: String)
    /// `--match` other than `shape`.
    case unknownMatch(String)
    /// No CHECKPOINT for a MODEL that has no weights of its own (a model file, not a folder).
    case noCheckpoint(String)
    /// `--tokens` is not token ids separated by commas.
    case badTokens(String)
    /// `--tokens` together with `--input` or `--input-shape`.
    case tokensWithInputs

    public var description: String {
        switch self {
        case .unknownDType(let name): return "unknown dtype '\(name)' (expected one of: float32 float64 float16 bfloat16 …)"
        case .badInputShape(let text): return "--input-shape wants positive sizes separated by commas, e.g. 2,4; got '\(text)'"
        case .inputShapeTooLarge(let text): return "--input-shape \(text) is too large"
        case .noInput: return "give --input FILE[#KEY], --input-shape N,C,… or (for a model folder) --tokens 1,5,7"
        case .unknownInitializer(let name):
            return "unknown --init '\(name)' (normal uniform constant zeros ones eye dirac xavier_uniform xavier_normal "
                + "kaiming_uniform kaiming_normal orthogonal trunc_normal)"
        case .initializerNeeds(let name, let argument): return "--init \(name) needs \(argument)"
        case .initializerNotANumber(let name, let value): return "--init \(name): '\(value)' is not a number"
        case .unknownMatch: return "--match accepts only 'shape'"
        case .noCheckpoint(let model): return "\(model) is not a model folder: give the CHECKPOINT to load into it"
        case .badTokens(let text): return "--tokens wants token ids (integers from 0) separated by commas, e.g. 1,5,7; got '\(text)'"
        case .tokensWithInputs: return "give either --tokens or --input/--input-shape, not both"
        }
    }
}
