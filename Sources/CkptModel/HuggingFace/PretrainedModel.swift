import CkptCore
import CkptNN
import CkptTensor

/// transformers' `PreTrainedModel`: the root of an architecture built from a Hugging Face config (`LlamaModel`,
/// `GPT2LMHeadModel`, `BertModel`, …): what it was built from, how `from_pretrained` loads it, what its first output
/// is. Its forward takes `(input_ids, attention_mask=None)` and returns `(run(ids, mask),)`.
public class PretrainedModel: Module {
    /// The config it was built from.
    public let config: PretrainedConfig

    init(_ config: PretrainedConfig, printedName: String) {
        self.config = config
        super.init()
        self.printedName = printedName
    }

    /// `from_pretrained`'s rules for this class.
    public var loading: PretrainedLoading { PretrainedLoading(baseModelPrefix: "") }
    /// What the first output of its forward is.
    public var outputKind: PretrainedOutput { .hiddenStates }
    /// The modules whose calls mark how far a forward pass got (its decoder or encoder layers).
    public var layerModules: [Module] { [] }
    /// transformers' `_init_weights` for a freshly built model (values only; nothing when built for shapes). With
    /// `only`, just those tensors (by identity), as `from_pretrained` initialises what a checkpoint did not supply.
    public func initializeWeights(only: Set<ObjectIdentifier>? = nil) { initializeTransformersStyle(only: only) }

    /// The first output for token ids `[B, T]`: the last hidden state of a base model, the logits of a causal LM.
    public func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        throw NNError.notImplemented("\(typeName) has no forward pass in ckpt")
    }

    public override var forwardParameterNames: [String] { ["input_ids", "attention_mask"] }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        let (ids, mask) = try tokenArguments(args, model: typeName)
        return .tuple([.tensor(try run(ids: ids, attentionMask: mask))])
    }
}

/// The first output of a pretrained model's forward.
public enum PretrainedOutput: String, Sendable {
    /// Next-token logits `[B, T, vocab]` (causal LMs): compared by top-1 agreement and KL divergence.
    case logits
    /// Hidden states `[B, T, hidden]` (encoders, base models): compared by max |Δ| and cosine similarity.
    case hiddenStates = "hidden_states"
}

extension PretrainedModel {
    /// `config.initializer_range` (0.02 when absent).
    var initializerRange: Float { Float((try? config.double("initializer_range")) ?? 0.02) }

    /// transformers' `PreTrainedModel._init_weights` on every submodule: Linear and Conv1D weights N(0, std) with
    /// zero biases, Embedding weights N(0, std) with the padding row zeroed, LayerNorm/RMSNorm weights 1 and biases 0.
    /// Buffers computed at build (RoPE's `inv_freq`, `position_ids`) stay as built.
    /// With `only`, just those tensors (the others keep their values).
    public func initializeTransformersStyle(only: Set<ObjectIdentifier>? = nil) {
        guard !EngineContext.current.isShapesOnly else { return }
        let std = initializerRange
        func chosen(_ t: Tensor?) -> Tensor? {
            guard let t, only?.contains(ObjectIdentifier(t)) ?? true else { return nil }
            return t
        }
        for (_, m) in namedModules() {
            switch m {
            case is Linear, is HFConv1D:
                chosen(m.parameter("weight"))?.normal_(mean: 0, std: std)
                chosen(m.parameter("bias"))?.fill_(0)
            case let embedding as Embedding:
                guard let w = chosen(embedding.parameter("weight")) else { continue }
                w.normal_(mean: 0, std: std)
                if let pad = embedding.paddingIdx {
                    let width = embedding.embeddingDim
                    w.buffer.withUnsafeMutableBufferPointer { p in for j in 0 ..< width { p[pad * width + j] = 0 } }
                }
            case let norm as HFRMSNorm:
                chosen(m.parameter("weight"))?.fill_(norm.scale == .offset ? 0 : 1)
            case is LayerNorm:
                chosen(m.parameter("weight"))?.fill_(1)
                chosen(m.parameter("bias"))?.fill_(0)
            default:
                continue
            }
        }
    }
}

/// Runs `module` after its own forward hooks' fashion for a typed call (`layer.run(…)`): the hooks see its output,
/// as they see a `module(x)` call's.
func hooked(_ module: Module, _ output: Tensor) -> Tensor {
    module.runForwardHooks(.tensor(output))
    return output
}

/// The `(input_ids, attention_mask)` arguments of a pretrained model's forward: ids as an int64 `[B, T]` tensor,
/// the optional mask `[B, T]` (nonzero = a real token).
func tokenArguments(_ args: [ModuleValue], model: String) throws -> (ids: Tensor, mask: Tensor?) {
    guard (1 ... 2).contains(args.count) || (args.count > 2 && args[2...].allSatisfy(\.isNone)) else {
        throw NNError.invalidArgument("\(model).forward() takes input_ids and an optional attention_mask, got \(args.count) arguments")
    }
    let ids = try args[0].asTensor("input_ids")
    guard ids.rank == 2, ids.dtype != .float32 || ids.scalars.allSatisfy({ $0 == $0.rounded() }) else {
        throw NNError.invalidArgument("\(model): input_ids must be token ids of shape [batch, length], got \(ids.rank == 2 ? "fractions" : "shape \(ids.shape)")")
    }
    let mask = args.count > 1 ? try args[1].asOptionalTensor("attention_mask") : nil
    if let mask, mask.shape != ids.shape {
        throw NNError.invalidArgument("\(model): attention_mask of shape \(mask.shape) does not fit input_ids of shape \(ids.shape)")
    }
    return (ids, mask)
}
