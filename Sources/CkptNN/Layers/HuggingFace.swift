import CkptTensor
import Foundation

// Hugging Face transformers classes that appear in print(model) of its models, by their printed class names. Their
// formulas are transformers' own (src/transformers/pytorch_utils.py, activations.py, models/llama/modeling_llama.py,
// models/gemma/modeling_gemma.py), written with the same ops in the same order.

/// transformers' `Conv1D(nf, nx)` (GPT-2, GPT, …): a linear layer with its weight stored transposed, `[nx, nf]`
/// (normal, std 0.02), and `bias` `[nf]` (zeros); forward is `addmm(bias, x.view(-1, nx), weight)` viewed back.
/// Prints as `Conv1D(nf=2304, nx=768)`.
public final class HFConv1D: UnaryModule {
    public static let schema = LayerSchema("Conv1D", "nf, nx", repr: "nf={nf}, nx={nx}", printedSuffix: "Conv1D", attributes: { (m: HFConv1D) in ["nf": m.nf, "nx": m.nx] }) { a in
        HFConv1D(nf: try a["nf"], nx: try a["nx"])
    }

    public let nf: Int
    public let nx: Int

    public init(nf: Int, nx: Int) {
        self.nf = nf; self.nx = nx
        super.init()
        registerParameter("weight", Tensor.normal([nx, nf], mean: 0, std: 0.02))
        registerParameter("bias", Tensor.zeros([nf]))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight"), let b = parameter("bias") else { throw NNError.invalidArgument("Conv1D has no weight or bias") }
        guard x.rank >= 1, x.shape.last == nx else {
            throw NNError.invalidArgument("Conv1D(nf=\(nf), nx=\(nx)): input's last dim must be \(nx), got shape \(x.shape)")
        }
        let y = try Tensor.addmm(b, try x.reshape([-1, nx]), w)
        return try y.reshape(Array(x.shape.dropLast()) + [nf])
    }
}

/// A transformers RMSNorm printed as `<Name>RMSNorm((N,), eps=E)` (LlamaRMSNorm, MistralRMSNorm, Qwen2RMSNorm,
/// GemmaRMSNorm, …): `weight` `[N]`, forward over the last dim in float32 as transformers' LlamaRMSNorm,
/// `weight · x·rsqrt(mean(x², -1) + eps)`. Gemma-style norms (`.offset`) start their weight at zeros and scale by
/// `1 + weight` instead. A printed shape `()` (Gemma3n's `with_scale=False`) has no weight.
public final class HFRMSNorm: UnaryModule {
    public enum Scale: Sendable { case weight, offset }

    /// Matched by its printout, not its name: transformers defines one such class per model (`LlamaRMSNorm`,
    /// `Qwen2RMSNorm`, …), so any class printing `(N,), eps=E` whose name ends in RMSNorm builds as this, under its
    /// own name (which decides Gemma's `1 + weight`).
    public static let schema = LayerSchema("LlamaRMSNorm", "hidden_size, eps=1e-06", repr: "{hidden_size}, eps={eps}", printedSuffix: "RMSNorm",
                                           attributes: { (m: HFRMSNorm) in ["hidden_size": m.shape, "eps": m.eps] }) { a in
        try HFRMSNorm(className: a.className, shape: try a["hidden_size"], eps: try a["eps"], scale: HFRMSNorm.scale(forClassName: a.className))
    }

    public let className: String
    public let shape: [Int]
    public let eps: NumberArgument
    public let scale: Scale

    public init(className: String, shape: [Int], eps: NumberArgument = 1e-6, scale: Scale = .weight) throws {
        guard shape.count <= 1 else { throw NNError.invalidArgument("\(className): expected a hidden size (N,), got \(Module.tupleRepr(shape))") }
        self.className = className; self.shape = shape; self.eps = eps; self.scale = scale
        super.init()
        printedName = className
        if !shape.isEmpty { registerParameter("weight", scale == .offset ? Tensor.zeros(shape) : Tensor.ones(shape)) }
    }

    /// transformers' (1 + weight) norms by class-name prefix: the Gemma family (not Gemma3n) and Qwen3-Next / Qwen3.5.
    public static func scale(forClassName name: String) -> Scale {
        if name.hasPrefix("Gemma3n") { return .weight }
        let offsetPrefixes = ["Gemma", "T5Gemma", "PaliGemma", "Qwen3Next", "Qwen3_5"]
        return offsetPrefixes.contains(where: name.hasPrefix) ? .offset : .weight
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        if let n = shape.first, x.shape.last != n {
            throw NNError.invalidArgument("\(className)((\(n),)): input's last dim must be \(n), got shape \(x.shape)")
        }
        guard x.rank >= 1 else { throw NNError.invalidArgument("\(className) expects at least a 1-D input") }
        let variance = try x.pow(2).mean(dim: -1, keepdim: true)
        let normed = try x * (variance + eps.float).rsqrt()
        guard let w = parameter("weight") else { return normed }
        switch scale {
        case .weight: return try w * normed
        case .offset: return try normed * (1 + w)
        }
    }
}

/// transformers' parameter-free activation modules, which print as `NewGELUActivation()` and the like.
public final class HFActivation: UnaryModule {
    public enum Kind: String, Sendable, CaseIterable {
        /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (GPT-2's `gelu_new`).
        case newGELU = "NewGELUActivation"
        /// The same formula, `AccurateGELUActivation`.
        case accurateGELU = "AccurateGELUActivation"
        /// `F.gelu`, exact.
        case gelu = "GELUActivation"
        /// `0.5·x·(1 + tanh(x·0.7978845608·(1 + 0.044715·x²)))`.
        case fastGELU = "FastGELUActivation"
        /// `x·σ(1.702·x)`.
        case quickGELU = "QuickGELUActivation"
        /// `F.gelu(approximate='tanh')` under its names across transformers versions.
        case pytorchGELUTanh = "PytorchGELUTanh", geluTanh = "GELUTanh", geluPytorchTanh = "GELUPytorchTanh"
        /// `F.silu`.
        case silu = "SiLUActivation"
        /// `F.mish`.
        case mish = "MishActivation"
        /// The identity.
        case linear = "LinearActivation"
    }

    public static let schemas: [Kind: LayerSchema] = Dictionary(uniqueKeysWithValues: Kind.allCases.map { kind in
        (kind, LayerSchema(kind.rawValue, "") { _ in HFActivation(kind) })
    })
    public override var schema: LayerSchema? { HFActivation.schemas[kind] }

    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind; super.init() }

    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case .newGELU, .accurateGELU:
            let c = Float((2 / Double.pi).squareRoot())
            return try (0.5 * x) * (1 + (c * (try x + 0.044715 * x.pow(3))).tanh())
        case .fastGELU:
            let inner = try (x * 0.7978845608) * (1 + (try (0.044715 * x) * x))
            return try (0.5 * x) * (1 + inner.tanh())
        case .quickGELU: return try x * (1.702 * x).sigmoid()
        case .gelu: return x.gelu(approximate: .none)
        case .pytorchGELUTanh, .geluTanh, .geluPytorchTanh: return x.gelu(approximate: .tanh)
        case .silu: return x.silu()
        case .mish: return x.mish()
        case .linear: return x
        }
    }
}

extension LayerSchema {
    /// The Hugging Face transformers classes.
    static let huggingFace: [LayerSchema] = [HFConv1D.schema, HFRMSNorm.schema] + HFActivation.schemas.values.sorted { $0.name < $1.name }
}
