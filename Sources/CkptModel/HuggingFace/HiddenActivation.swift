import CkptNN

/// transformers' `ACT2CLS`: the module a config's `hidden_act` (`activation_function` for GPT-2) names, printed as
/// transformers prints it (`silu` is `SiLUActivation()`, `swish` torch's `SiLU()`).
public enum HiddenActivation {
    /// The names ckpt builds.
    public static let names = ["gelu", "gelu_new", "gelu_fast", "gelu_pytorch_tanh", "gelu_accurate", "gelu_python",
                               "quick_gelu", "silu", "swish", "relu", "tanh", "sigmoid", "mish", "linear"]

    /// The activation module for `name`.
    public static func module(_ name: String, config: PretrainedConfig) throws -> Module {
        switch name {
        case "gelu", "gelu_python": return HFActivation(.gelu)
        case "gelu_new": return HFActivation(.newGELU)
        case "gelu_fast": return HFActivation(.fastGELU)
        case "gelu_pytorch_tanh": return HFActivation(.geluTanh)
        case "gelu_accurate": return HFActivation(.accurateGELU)
        case "quick_gelu": return HFActivation(.quickGELU)
        case "silu": return HFActivation(.silu)
        case "swish": return SiLU()
        case "relu": return ReLU()
        case "tanh": return Tanh()
        case "sigmoid": return Sigmoid()
        case "mish": return HFActivation(.mish)
        case "linear": return HFActivation(.linear)
        default:
            throw config.error("activation '\(name)' is not implemented in ckpt (\(names.joined(separator: ", ")))")
        }
    }
}
