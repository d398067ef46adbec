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

    public var description: String {
        switch self {
        case .unknownDType(let name): return "unknown dtype '\(name)' (expected one of: float32 float64 float16 bfloat16 …)"
        case .badInputShape(let text): return "--input-shape wants positive sizes separated by commas, e.g. 2,4; got '\(text)'"
        case .inputShapeTooLarge(let text): return "--input-shape \(text) is too large"
        case .noInput: return "give --input FILE[#KEY] or --input-shape N,C,…"
        case .unknownInitializer(let name):
            return "unknown --init '\(name)' (normal uniform constant zeros ones eye dirac xavier_uniform xavier_normal "
                + "kaiming_uniform kaiming_normal orthogonal trunc_normal)"
        case .initializerNeeds(let name, let argument): return "--init \(name) needs \(argument)"
        case .initializerNotANumber(let name, let value): return "--init \(name): '\(value)' is not a number"
        case .unknownMatch: return "--match accepts only 'shape'"
        }
    }
}
