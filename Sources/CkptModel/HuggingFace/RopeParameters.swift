import Foundation

/// A config's rotary position embedding, standardised as transformers' `standardize_rope_params` does: 5.x's
/// `rope_parameters`, else 4.x's `rope_scaling` (whose `type` is 5.x's `rope_type`) with the top-level `rope_theta`.
/// The inverse frequencies are computed in Float32, step by step as transformers' `modeling_rope_utils.py` computes
/// them in float32 tensors (default, linear, dynamic, llama3, yarn).
public struct RopeParameters: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case `default`, linear, dynamic, llama3, yarn
    }

    public var kind: Kind
    /// `rope_theta`, the base wavelength.
    public var theta: Double
    /// `factor` (linear, dynamic, llama3, yarn).
    public var factor: Double?
    /// llama3's `low_freq_factor` and `high_freq_factor`.
    public var lowFreqFactor: Double?
    public var highFreqFactor: Double?
    /// The pretraining context (llama3, yarn).
    public var originalMaxPositionEmbeddings: Int?
    /// yarn's optional parameters.
    public var attentionFactor: Double?
    public var betaFast: Double?
    public var betaSlow: Double?
    public var mscale: Double?
    public var mscaleAllDim: Double?
    public var truncate: Bool = true

    /// Reads the rope parameters of `config` (either layout); `maxPositionEmbeddings` is the default original context.
    public init(_ config: PretrainedConfig, maxPositionEmbeddings: Int) throws {
        let params = try config.object("rope_parameters") ?? config.object("rope_scaling") ?? PretrainedConfig([:], path: config.path)
        let name = try params.string("rope_type") ?? params.string("type") ?? "default"
        guard let kind = Kind(rawValue: name) else {
            throw config.error("rope type '\(name)' is not implemented in ckpt (\(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let partial = try params.double("partial_rotary_factor") ?? config.double("partial_rotary_factor"), partial != 1 {
            throw config.error("partial_rotary_factor \(partial) is not implemented in ckpt")
        }
        self.kind = kind
        theta = try params.double("rope_theta") ?? config.double("rope_theta") ?? 10_000
        factor = try params.double("factor")
        lowFreqFactor = try params.double("low_freq_factor")
        highFreqFactor = try params.double("high_freq_factor")
        originalMaxPositionEmbeddings = try config.int("original_max_position_embeddings")
            ?? params.int("original_max_position_embeddings") ?? maxPositionEmbeddings
        attentionFactor = try params.double("attention_factor")
        betaFast = try params.double("beta_fast")
        betaSlow = try params.double("beta_slow")
        mscale = try params.double("mscale")
        mscaleAllDim = try params.double("mscale_all_dim")
        truncate = try params.bool("truncate") ?? true
        let needsFactor: Set<Kind> = [.linear, .dynamic, .llama3]
        if needsFactor.contains(kind), factor == nil { throw config.error("rope type '\(name)' needs a 'factor'") }
        if kind == .llama3, lowFreqFactor == nil || highFreqFactor == nil {
            throw config.error("rope type 'llama3' needs 'low_freq_factor' and 'high_freq_factor'")
        }
    }

    /// `inv_freq` for heads of `dim` and the factor cos/sin are scaled by. `seqLen` matters to dynamic RoPE only,
    /// which rescales its base once a sequence outgrows `maxPositionEmbeddings`.
    public func inverseFrequencies(dim: Int, maxPositionEmbeddings: Int, seqLen: Int? = nil) -> (inverse: [Float], attentionScaling: Float) {
        let half = (0 ..< dim / 2).map { Float(2 * $0) / Float(dim) }
        func base(_ b: Float) -> [Float] { half.map { 1 / powf(b, $0) } }
        switch kind {
        case .default:
            return (base(Float(theta)), 1)
        case .linear:
            return (base(Float(theta)).map { $0 / Float(factor ?? 1) }, 1)
        case .dynamic:
            guard let seqLen, seqLen > maxPositionEmbeddings else { return (base(Float(theta)), 1) }
            let f = Float(factor ?? 1)
            let grown = Float(theta) * powf(f * Float(seqLen) / Float(maxPositionEmbeddings) - (f - 1), Float(Double(dim) / Double(dim - 2)))
            return (base(grown), 1)
        case .llama3:
            return (llama3(base(Float(theta))), 1)
        case .yarn:
            return yarn(dim: dim, maxPositionEmbeddings: maxPositionEmbeddings)
        }
    }

    /// transformers' `_compute_llama3_parameters`.
    private func llama3(_ inverse: [Float]) -> [Float] {
        let f = Float(factor ?? 1), low = Float(lowFreqFactor ?? 1), high = Float(highFreqFactor ?? 4)
        let context = Double(originalMaxPositionEmbeddings ?? 8192)
        let lowWavelen = Float(context / (lowFreqFactor ?? 1)), highWavelen = Float(context / (highFreqFactor ?? 4))
        return inverse.map { inv in
            let wavelen = Float(2 * Double.pi) / inv
            let scaled = wavelen > lowWavelen ? inv / f : inv
            guard !(wavelen < highWavelen), !(wavelen > lowWavelen) else { return scaled }
            let smooth = (Float(context) / wavelen - low) / (high - low)
            return (1 - smooth) * scaled / f + smooth * scaled
        }
    }

    /// transformers' `_compute_yarn_parameters`.
    private func yarn(dim: Int, maxPositionEmbeddings: Int) -> (inverse: [Float], attentionScaling: Float) {
        let original = originalMaxPositionEmbeddings ?? maxPositionEmbeddings
        let f = factor ?? Double(maxPositionEmbeddings) / Double(original)
        func mscaleOf(_ scale: Double, _ m: Double = 1) -> Double { scale <= 1 ? 1 : 0.1 * m * Foundation.log(scale) + 1 }
        let attention: Double
        if let attentionFactor {
            attention = attentionFactor
        } else if let mscale, let mscaleAllDim, mscale != 0, mscaleAllDim != 0 {
            attention = mscaleOf(f, mscale) / mscaleOf(f, mscaleAllDim)
        } else {
            attention = mscaleOf(f)
        }
        let fast = betaFast.flatMap { $0 == 0 ? nil : $0 } ?? 32, slow = betaSlow.flatMap { $0 == 0 ? nil : $0 } ?? 1
        func correctionDim(_ rotations: Double) -> Double {
            Double(dim) * Foundation.log(Double(original) / (rotations * 2 * Double.pi)) / (2 * Foundation.log(theta))
        }
        var low = correctionDim(fast), high = correctionDim(slow)
        if truncate { low = low.rounded(.down); high = high.rounded(.up) }
        low = Swift.max(low, 0); high = Swift.min(high, Double(dim - 1))
        if low == high { high += 0.001 }
        let positions = (0 ..< dim / 2).map { powf(Float(theta), Float(2 * $0) / Float(dim)) }
        let inverse = positions.enumerated().map { i, p -> Float in
            let ramp = Swift.min(Swift.max((Float(i) - Float(low)) / Float(high - low), 0), 1)
            let extrapolation = 1 - ramp
            return (1 / (Float(f) * p)) * (1 - extrapolation) + (1 / p) * extrapolation
        }
        return (inverse, Float(attention))
    }
}
