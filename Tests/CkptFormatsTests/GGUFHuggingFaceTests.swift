import CkptCore
@testable import CkptFormats
import Foundation
import OrderedCollections
import Testing

/// GGUF names back to Hugging Face names, and llama.cpp's Q/K row permutation undone: against gguf-py's
/// tensor map (recorded by the generator for the tiny llama) and against the permutation's definition.
@Suite struct GGUFHuggingFaceTests {
    @Test(arguments: [("llama/model.f32.gguf", 29), ("llama/model.quant.gguf", 29), ("qwen3/model.f32.gguf", 25),
                      ("gemma3/model.f32.gguf", 28)])
    func namesAreGGUFPysTensorMapReversed(_ name: String, count: Int) throws {
        let mapping = try #require(try GGUFFixture.file(name).hfNames)
        let arch = String(name.prefix { $0 != "/" })
        #expect(mapping.count == count)
        for (gguf, hf) in mapping { #expect(GGUFHuggingFace.name(for: gguf, architecture: arch) == hf, "\(gguf)") }
        #expect(GGUFHuggingFace.name(for: "rope_freqs.weight") == nil)
        #expect(GGUFHuggingFace.name(for: "blk.01.attn_q.weight") == nil)
        #expect(GGUFHuggingFace.name(for: "blk.0.attn_q.scale") == nil)
    }

    /// A tensor of `rows` rows whose row r holds the value r in each of its `cols` columns.
    static func rowIndexTensor(rows: Int, cols: Int) throws -> TensorEntry {
        try TensorEntry.float32((0 ..< rows).flatMap { r in [Float](repeating: Float(r), count: cols) }, shape: [rows, cols])
    }

    @Test func unpermutingRestoresRotateHalfOrder() throws {
        // One head of d = 8: llama.cpp stores HF rows in the order [0, 4, 1, 5, 2, 6, 3, 7] (FORMATS-MORE.md §1.6),
        // so GGUF row k holds HF row order[k]; undoing it must give back 0…7.
        let order: [Float] = [0, 4, 1, 5, 2, 6, 3, 7]
        let stored = try TensorEntry.float32(order.flatMap { [$0, $0] }, shape: [8, 2])
        let back = try GGUFHuggingFace.unpermuted(stored, heads: 1, key: "blk.0.attn_q.weight")
        #expect(try back.floatValues() == (0 ..< 8).flatMap { [Float($0), Float($0)] })
        // Two heads of 4, a bias (one column).
        let bias = try TensorEntry.float32([0, 2, 1, 3, 4, 6, 5, 7], shape: [8])
        #expect(try GGUFHuggingFace.unpermuted(bias, heads: 2, key: "b").floatValues() == (0 ..< 8).map(Float.init))
        #expect(throws: CheckpointError.self) { try GGUFHuggingFace.unpermuted(try Self.rowIndexTensor(rows: 6, cols: 1), heads: 2, key: "k") }
    }

    static func stateDict(arch: String, heads: Int?, kvHeads: Int?) throws -> StateDict {
        var sd = StateDict(tensors: ["blk.0.attn_q.weight": try rowIndexTensor(rows: 8, cols: 3),
                                     "blk.0.attn_k.weight": try rowIndexTensor(rows: 4, cols: 3),
                                     "blk.0.attn_v.weight": try rowIndexTensor(rows: 4, cols: 3),
                                     "rope_freqs.weight": try rowIndexTensor(rows: 2, cols: 1)])
        sd.fileMetadata["general.architecture"] = .string(arch)
        if let heads { sd.fileMetadata["\(arch).attention.head_count"] = .int(heads) }
        if let kvHeads { sd.fileMetadata["\(arch).attention.head_count_kv"] = .int(kvHeads) }
        return sd
    }

    @Test func qUsesHeadCountAndKUsesHeadCountKV() throws {
        let view = try #require(try GGUFHuggingFace.view(try Self.stateDict(arch: "llama", heads: 2, kvHeads: 1)))
        let t = view.tensors
        #expect(Array(t.keys) == ["model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
                                  "model.layers.0.self_attn.v_proj.weight", "rope_freqs.weight"])
        func rows(_ key: String) throws -> [Float] { try #require(t[key]).floatValues().enumerated().filter { $0.offset % 3 == 0 }.map(\.element) }
        // Q: 2 heads of 4 → stored rows [0, 2, 1, 3 | 4, 6, 5, 7] come back as HF row r ← stored row.
        #expect(try rows("model.layers.0.self_attn.q_proj.weight") == [0, 2, 1, 3, 4, 6, 5, 7])
        // K: 1 KV head of 4 (with 2 heads it would be left alone: rows of 2 have no pairs to swap).
        #expect(try rows("model.layers.0.self_attn.k_proj.weight") == [0, 2, 1, 3])
        #expect(try rows("model.layers.0.self_attn.v_proj.weight") == [0, 1, 2, 3])
        #expect(view.fileMetadata["general.architecture"] != nil && view.metadata.isEmpty)
    }

    /// Gemma 2/3's `ffn_norm` is the pre-feed-forward norm; llama's is the post-attention norm.
    @Test func gemmaNamesItsNormsItsOwnWay() {
        #expect(GGUFHuggingFace.name(for: "blk.1.ffn_norm.weight") == "model.layers.1.post_attention_layernorm.weight")
        #expect(GGUFHuggingFace.name(for: "blk.1.ffn_norm.weight", architecture: "gemma3") == "model.layers.1.pre_feedforward_layernorm.weight")
        #expect(GGUFHuggingFace.name(for: "blk.1.post_attention_norm.weight", architecture: "gemma2") == "model.layers.1.post_attention_layernorm.weight")
        #expect(GGUFHuggingFace.name(for: "blk.1.ffn_norm.weight", architecture: "gemma") == "model.layers.1.post_attention_layernorm.weight")
    }

    /// Gemma's norms come back as stored − 1 (float32), every other tensor as stored.
    @Test func gemmaNormsAreShiftedBack() throws {
        var sd = StateDict(tensors: ["blk.0.attn_norm.weight": try TensorEntry.float32([1, 1.5, 0.25, 2], shape: [4]),
                                     "blk.0.attn_q.weight": try Self.rowIndexTensor(rows: 4, cols: 2)])
        sd.fileMetadata["general.architecture"] = .string("gemma3")
        let view = try #require(try GGUFHuggingFace.view(sd))
        #expect(try view.tensors["model.layers.0.input_layernorm.weight"]?.floatValues() == [0, 0.5, -0.75, 1])
        #expect(try view.tensors["model.layers.0.self_attn.q_proj.weight"]?.floatValues() == [0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test func otherArchitecturesAreLeftAsStored() throws {
        #expect(try GGUFHuggingFace.view(try Self.stateDict(arch: "phi3", heads: 2, kvHeads: 1)) == nil)
        #expect(throws: CheckpointError.self) { try GGUFHuggingFace.view(try Self.stateDict(arch: "llama", heads: nil, kvHeads: nil)) }
    }

    @Test func onlyAGGUFFacingAnotherFormatIsAligned() throws {
        let gguf = try Checkpoint.read(GGUFFixture.path("llama/model.f32.gguf"))
        let other = try Checkpoint.read(GGUFFixture.path("llama/model.quant.gguf"))
        let safetensors = try Checkpoint.read(GGUFFixture.path("llama/model.safetensors"))
        #expect(try gguf.aligned(with: other).stateDict.tensors.keys.first == "token_embd.weight")
        #expect(try gguf.aligned(with: safetensors).stateDict.tensors.keys.first == "model.embed_tokens.weight")
        #expect(try safetensors.aligned(with: gguf).stateDict.tensors.keys == safetensors.stateDict.tensors.keys)
        let types = try Checkpoint.read(GGUFFixture.path("types.gguf"))
        #expect(try types.aligned(with: safetensors).stateDict.tensors.keys.first == "f32")
    }

    /// The F32 GGUF, once aligned, holds exactly the safetensors' values in every tensor, row order included:
    /// llama's Q/K rows un-permuted, qwen3's (never permuted) left alone, gemma3's norms shifted back.
    @Test(arguments: ["llama", "qwen3", "gemma3"])
    func theF32ConversionComesBackBitForBit(_ model: String) throws {
        let safetensors = try Checkpoint.read(GGUFFixture.path(model + "/model.safetensors"))
        let gguf = try Checkpoint.read(GGUFFixture.path(model + "/model.f32.gguf")).aligned(with: safetensors)
        let a = safetensors.stateDict.tensors, b = gguf.stateDict.tensors
        #expect(Set(a.keys) == Set(b.keys))
        for (key, t) in a {
            let u = try #require(b[key])
            let (x, y) = (try t.contiguousBytes(), try u.contiguousBytes())
            #expect(t.shape == u.shape && x == y, "\(key)")
        }
    }
}
