import CkptCore
import OrderedCollections

/// llama.cpp's GGUF tensor names mapped back to Hugging Face's, and its Q/K row permutation undone, so that a
/// GGUF compares key for key and row for row with the checkpoint it was converted from
/// (FORMATS-MORE.md §1.6; gguf-py `tensor_mapping.py`; llama.cpp `convert_hf_to_gguf.py`).
///
/// Only the GGUF side decides, from `general.architecture`: llama (which covers Mistral and Mixtral
/// conversions) has its names mapped and its Q/K permutation undone; qwen2 and qwen3 (NEOX RoPE, stored in
/// Hugging Face's row order) have their names mapped; gemma, gemma2 and gemma3 have their names mapped and their
/// norm weights shifted back: llama.cpp's converter stores every `*norm.weight` + 1 (transformers' Gemma norms
/// scale by `1 + weight`, ggml's by the weight), so the view subtracts 1 in float32, which gives back exactly a
/// float32 copy of bf16 weights (and of any weight with |w| ≥ 2⁻¹⁶ and 8 significant bits), within one float32
/// rounding of w + 1 otherwise. Other architectures are left as stored. A name outside the table (`rope_freqs.weight`,
/// stacked MoE experts) keeps its GGUF name.
public enum GGUFHuggingFace {
    /// What llama.cpp's converter did to an architecture's tensors beyond renaming them.
    public struct Conversion: Sendable {
        /// Q/K rows permuted per head ("normal" RoPE).
        public var permutesQK = false
        /// Added to every `*norm.weight` (Gemma's `norm_shift`).
        public var normShift: Float = 0
        /// Block names that mean something else in this architecture (Gemma 2/3's `ffn_norm` is the
        /// pre-feed-forward norm, its post-attention norm has a name of its own).
        public var blocks: [String: String] = [:]
    }

    /// Architectures ckpt maps.
    public static let architectures: [String: Conversion] = [
        "llama": Conversion(permutesQK: true), "qwen2": Conversion(), "qwen3": Conversion(),
        "gemma": Conversion(normShift: 1), "gemma2": Conversion(normShift: 1, blocks: gemma2Blocks),
        "gemma3": Conversion(normShift: 1, blocks: gemma2Blocks),
    ]

    /// gguf-py `tensor_mapping.py` for Gemma 2 and 3: `ATTN_POST_NORM`, `FFN_PRE_NORM`, `FFN_POST_NORM`.
    static let gemma2Blocks: [String: String] = [
        "post_attention_norm": "post_attention_layernorm", "ffn_norm": "pre_feedforward_layernorm",
        "post_ffw_norm": "post_feedforward_layernorm",
    ]

    /// Whole names.
    static let globals: [String: String] = [
        "token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head",
    ]

    /// Names inside `blk.N.`, relative to `model.layers.N.`.
    static let blocks: [String: String] = [
        "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
        "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
        "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
    ]

    /// The Hugging Face name of a GGUF tensor name (`blk.3.attn_q.weight` → `model.layers.3.self_attn.q_proj.weight`),
    /// or nil when it is not in the table. `.weight` and `.bias` are kept. `architecture` defaults to llama's names.
    public static func name(for gguf: String, architecture: String = "llama") -> String? {
        let overrides = architectures[architecture]?.blocks ?? [:]
        var parts = gguf.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let suffix = parts.popLast(), suffix == "weight" || suffix == "bias" else { return nil }
        if parts.count == 1, let hf = globals[parts[0]] { return hf + "." + suffix }
        if parts.count == 3, parts[0] == "blk", let n = Int(parts[1]), n >= 0, String(n) == parts[1], let hf = overrides[parts[2]] ?? blocks[parts[2]] {
            return "model.layers.\(n).\(hf).\(suffix)"
        }
        return nil
    }

    /// `stateDict` (as `GGUFReader` reads it) with Hugging Face names and, for permuted architectures, Q and K
    /// rows in Hugging Face's order; nil when the architecture is not one ckpt maps.
    public static func view(_ stateDict: StateDict) throws -> StateDict? {
        let metadata = stateDict.fileMetadata
        guard case .string(let arch)? = metadata["general.architecture"], let conversion = architectures[arch] else { return nil }
        var tensors = OrderedDictionary<String, TensorEntry>()
        for (key, t) in stateDict.tensors {
            let hf = name(for: key, architecture: arch) ?? key
            guard tensors[hf] == nil else { throw CheckpointError.malformed("tensors \(key.ggufQuoted) and another both map to \(hf.ggufQuoted)") }
            var entry = t
            if conversion.permutesQK, let heads = try permutationHeads(key, metadata: metadata, arch: arch) {
                entry = try unpermuted(t, heads: heads, key: key)
            }
            if conversion.normShift != 0, hf.hasSuffix("norm.weight") {
                entry = try shifted(entry, by: -conversion.normShift)
            }
            tensors[hf] = entry
        }
        var view = StateDict(tensors: tensors, attributes: stateDict.attributes)
        view.fileMetadata = metadata
        return view
    }

    /// The head count llama.cpp permuted a tensor's rows with: n_head for Q, n_head_kv for K (its GQA fix), nil
    /// for every other tensor.
    static func permutationHeads(_ key: String, metadata: OrderedDictionary<String, CheckpointValue>, arch: String) throws -> Int? {
        let parts = key.split(separator: ".")
        guard parts.count == 4, parts[0] == "blk", parts[2] == "attn_q" || parts[2] == "attn_k" else { return nil }
        func count(_ name: String) -> Int? {
            if case .int(let n)? = metadata["\(arch).attention.\(name)"], n > 0 { return n }
            return nil
        }
        guard let heads = count("head_count") else {
            throw CheckpointError.malformed("cannot undo llama.cpp's Q/K permutation of \(key.ggufQuoted): no \(arch).attention.head_count")
        }
        return parts[2] == "attn_q" ? heads : count("head_count_kv") ?? heads
    }

    /// Undoes `permute`: GGUF row h·d + 2i + p holds Hugging Face row h·d + p·d/2 + i (d = rows / heads,
    /// i < d/2, p ∈ {0, 1}). Same dtype and stored encoding; the rows are moved when the values are read.
    static func unpermuted(_ t: TensorEntry, heads: Int, key: String) throws -> TensorEntry {
        guard let rows = t.shape.first, rows > 0, rows % (2 * heads) == 0 else {
            throw CheckpointError.malformed("cannot undo llama.cpp's Q/K permutation of \(key.ggufQuoted): shape \(t.shape) is not \(heads) heads of even size")
        }
        let d = rows / heads, rowBytes = t.byteCount / rows
        let source = t
        let bytes = ByteSource.loader(count: t.byteCount) {
            try source.withContiguousBytes { src in
                var out = [UInt8](repeating: 0, count: src.count)
                out.withUnsafeMutableBytes { dst in
                    for h in 0 ..< heads {
                        for p in 0 ..< 2 {
                            for i in 0 ..< d / 2 {
                                let from = (h * d + 2 * i + p) * rowBytes, to = (h * d + p * d / 2 + i) * rowBytes
                                dst.baseAddress!.advanced(by: to).copyMemory(from: src.baseAddress!.advanced(by: from), byteCount: rowBytes)
                            }
                        }
                    }
                }
                return out
            }
        }
        let storage = TensorStorage(key: t.storage.key, dtype: t.dtype, bytes: bytes, encoding: t.storage.encoding)
        return try TensorEntry(dtype: t.dtype, shape: t.shape, storage: storage)
    }
}

extension GGUFHuggingFace {
    /// `t` plus `delta`, computed in float32 when the values are read (a float32 tensor; the stored encoding,
    /// if any, is kept for reports).
    static func shifted(_ t: TensorEntry, by delta: Float) throws -> TensorEntry {
        let source = t
        let bytes = ByteSource.loader(count: t.numel * 4) {
            try source.floatValues().map { $0 + delta }.withUnsafeBytes { Array($0) }
        }
        let storage = TensorStorage(key: t.storage.key, dtype: .float32, bytes: bytes, encoding: t.storage.encoding)
        return try TensorEntry(dtype: .float32, shape: t.shape, storage: storage)
    }
}

extension Checkpoint {
    /// This checkpoint as `diff` compares it with `other`: a GGUF of an architecture `GGUFHuggingFace` maps,
    /// compared with a checkpoint in another format, takes Hugging Face names and row order; anything else is
    /// returned as it is.
    public func aligned(with other: Checkpoint) throws -> Checkpoint {
        guard format == .gguf, other.format != .gguf else { return self }
        do {
            guard let view = try GGUFHuggingFace.view(stateDict) else { return self }
            var c = self
            c.stateDict = view
            return c
        } catch let e as CheckpointError {
            throw FileError(path: path, e)
        }
    }
}
