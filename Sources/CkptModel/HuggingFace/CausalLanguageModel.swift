import CkptNN
import CkptTensor

/// A causal language model: a decoder stack and `lm_head`, whose weight is the stack's token embedding when
/// `tie_word_embeddings` is set — `LlamaForCausalLM` (and Mistral's, Qwen2's, Qwen3's) over `model`,
/// `GPT2LMHeadModel` over `transformer`.
public final class CausalLanguageModel: PretrainedModel {
    /// The decoder stack (`model`, `transformer`).
    public let stack: PretrainedModel
    /// Its name in this model (`model`, `transformer`), the prefix of its keys.
    public let stackName: String
    /// Whether `lm_head.weight` is the token embedding's weight.
    public let tiesEmbedding: Bool
    let tokenEmbedding: String

    /// `className` over `stack`, registered as `stackName`, with a `hidden → vocab` head; `tokenEmbedding` is the
    /// stack's child holding the embedding a tied head shares (`embed_tokens`, `wte`).
    init(_ className: String, stack: PretrainedModel, named stackName: String, tokenEmbedding: String,
         hidden: Int, vocab: Int, tie: Bool) {
        self.stack = stack
        self.stackName = stackName
        self.tiesEmbedding = tie
        self.tokenEmbedding = tokenEmbedding
        super.init(stack.config, printedName: className)
        addModule(stackName, stack)
        let head = Linear(hidden, vocab, bias: false)
        addModule("lm_head", head)
        if tie, let embedding = stack[tokenEmbedding]?.parameter("weight") { head.registerParameter("weight", embedding) }
    }

    public override var loading: PretrainedLoading {
        PretrainedLoading(baseModelPrefix: stackName, ignoredUnexpected: stack.loading.ignoredUnexpected,
                          tied: tiesEmbedding ? ["lm_head.weight": "\(stackName).\(tokenEmbedding).weight"] : [:])
    }
    public override var outputKind: PretrainedOutput { .logits }
    public override var layerModules: [Module] { stack.layerModules }

    /// The stack's initialisation, then an untied head's weight N(0, initializer_range).
    public override func initializeWeights(only: Set<ObjectIdentifier>? = nil) {
        stack.initializeWeights(only: only)
        guard !EngineContext.current.isShapesOnly, !tiesEmbedding, let w = (self["lm_head"] as? Linear)?.weight,
              only?.contains(ObjectIdentifier(w)) ?? true else { return }
        w.normal_(mean: 0, std: initializerRange)
    }

    /// The logits `[B, T, vocab]`.
    public override func run(ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        let hidden = hooked(stack, try stack.run(ids: ids, attentionMask: attentionMask))
        return try child("lm_head")(hidden)
    }
}
