import CkptTestSupport
import Foundation
import Testing

/// `verify FOLDER --against OTHER`: two checkpoints compared by what they compute on the same tokens — top-1
/// agreement and mean KL for causal LMs (the numbers transformers' logits give), max |Δ| and cosine for encoders.
@Suite struct VerifyAgainstTests {
    typealias HF = HuggingFaceFixtures

    func against(_ model: String, _ other: String, _ extra: [String] = []) throws -> (status: Int32, report: [String: Any]) {
        let r = try CLIRunner.run(["verify", model, "--input", HF.ids, "--against", other, "--json"] + extra)
        #expect(r.errorLines.isEmpty, "\(r.stderr)")
        let doc = try r.json()
        return (r.status, try #require(doc["against"] as? [String: Any]))
    }

    /// A perturbed copy: KL and agreement as transformers' logits give them, per position, and exit 1.
    @Test func perturbedCopyFails() throws {
        let folder = try #require(HF.folders["llama-perturbed"])
        let (status, a) = try against(HF.path("llama"), HF.path("llama-perturbed"))
        #expect(status == 1 && a["ok"] as? Bool == false && a["kind"] as? String == "logits")
        expectClose(a["mean_kl"] as? Double, folder.meanKL ?? -1, tolerance: 1e-4, floor: 0, "mean KL")
        #expect(a["top1_agreement"] as? Double == folder.top1Agreement)
        let positions = try #require(a["positions"] as? [[String: Any]])
        #expect(positions.count == 16 && positions.allSatisfy { $0["kl"] is Double && $0["top1_agree"] is Bool && $0["max_abs_diff"] is Double })
    }

    /// Its own bf16 copy, as a folder or as the safetensors file alone: KL far below 1e-3, exit 0.
    @Test(arguments: ["llama", "gpt2"], [false, true])
    func bf16CopyPasses(name: String, file: Bool) throws {
        let folder = try #require(HF.folders["\(name)-bf16"])
        let other = HF.path("\(name)-bf16") + (file ? "/model.safetensors" : "")
        let (status, a) = try against(HF.path(name), other)
        #expect(status == 0 && a["ok"] as? Bool == true)
        expectClose(a["mean_kl"] as? Double, folder.meanKL ?? -1, tolerance: 1e-3, floor: 0, "mean KL")
        #expect(a["top1_agreement"] as? Double == 1)
    }

    /// `--max-kl` sets the verdict.
    @Test func maxKLIsTheThreshold() throws {
        #expect(try against(HF.path("llama"), HF.path("llama-perturbed"), ["--max-kl", "1"]).status == 0)
        #expect(try against(HF.path("llama"), HF.path("llama-bf16"), ["--max-kl", "1e-7"]).status == 1)
    }

    /// Encoders compare hidden states: max |Δ| against --atol, and the cosine similarity.
    @Test func encoderComparesHiddenStates() throws {
        let (loose, a) = try against(HF.path("bert"), HF.path("bert-bf16"), ["--atol", "0.1"])
        #expect(loose == 0 && a["kind"] as? String == "hidden_states" && a["mean_kl"] == nil)
        #expect((a["mean_cosine"] as? Double ?? 0) > 0.999 && (a["max_abs_diff"] as? Double ?? 1) > 1e-4)
        #expect(try against(HF.path("bert"), HF.path("bert-bf16"), ["--atol", "1e-6"]).status == 1)
    }

    /// Padded positions are left out of the comparison.
    @Test func maskedPositionsAreLeftOut() throws {
        let (_, a) = try against(HF.path("llama"), HF.path("llama-bf16"), ["--attention-mask", HF.mask])
        #expect((a["positions"] as? [[String: Any]])?.count == 14)
    }

    /// A GGUF converted from the same weights (llama.cpp's names, and for llama its Q/K row order) computes the same
    /// logits.
    @Test(arguments: ["llama", "qwen3"])
    func ggufOfTheSameWeightsAgrees(name: String) throws {
        let folder = Fixtures.path("gguf_files/" + name)
        let r = try CLIRunner.run(["verify", folder, "--tokens", "1,5,7,9,11", "--against", folder + "/model.f32.gguf", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let a = try #require(try r.json()["against"] as? [String: Any])
        #expect((a["mean_kl"] as? Double ?? 1) < 1e-9 && a["top1_agreement"] as? Double == 1)
    }

    /// The tiny llama against its quantized GGUF (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, F16): per-position max |Δ|, KL and
    /// top-1 as transformers computes them with the weights its GGUF loader gives (gguf.quants dequantized, Q/K rows
    /// un-permuted), recorded by `Fixtures/gen/_gguf_llama.py`.
    @Test func quantizedGGUFAsTransformersMeasuresIt() throws {
        let folder = Fixtures.path("gguf_files/llama")
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("gguf_files/manifest.json")))
        let files = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["files"] as? [String: Any])
        let want = try #require((files["llama/model.quant.gguf"] as? [String: Any])?["verify_against"] as? [String: Any])
        let tokens = try #require(want["tokens"] as? [Int]).map(String.init).joined(separator: ",")
        let r = try CLIRunner.run(["verify", folder, "--tokens", tokens, "--against", folder + "/model.quant.gguf", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let got = try #require(try r.json()["against"] as? [String: Any])
        expectClose(got["mean_kl"] as? Double, want["mean_kl"] as? Double ?? -1, tolerance: 1e-4, floor: 0, "mean KL")
        #expect(got["top1_agreement"] as? Double == want["top1_agreement"] as? Double)
        let positions = try #require(got["positions"] as? [[String: Any]]), expected = try #require(want["positions"] as? [[String: Any]])
        #expect(positions.count == expected.count)
        for (p, e) in zip(positions, expected) {
            expectClose(p["kl"] as? Double, e["kl"] as? Double ?? -1, tolerance: 1e-4, floor: 0, "KL")
            expectClose(p["max_abs_diff"] as? Double, e["max_abs_diff"] as? Double ?? -1, tolerance: 1e-4, floor: 1e-6, "max |a-b|")
            #expect(p["top1_agree"] as? Bool == e["top1_agree"] as? Bool)
        }
    }

    /// OTHER that does not load is a "no", with its load report.
    @Test func otherThatDoesNotLoadFails() throws {
        let (status, a) = try against(HF.path("llama"), HF.path("llama-missing"))
        #expect(status == 1 && (a["load"] as? [String: Any])?["missing_keys"] as? [String] == ["model.layers.1.mlp.up_proj.weight"])
    }
}
