import CkptTestSupport
import Foundation
import Testing

/// `ckpt count` against the figures real PyTorch gave for each reference model (`Fixtures/reference/manifest.json`).
@Suite struct CountCommandTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let file: String
        let counts: [String: Int]
        var testDescription: String { file }
    }

    /// The torch files of the manifest (other formats are checked by the fixtures' own tests).
    static let torchFiles: [Expected] = ReferenceManifest.allFiles.compactMap { name in
        guard name.hasSuffix(".pt"), let c = ReferenceManifest.shared?.files[name]?.count else { return nil }
        return Expected(file: name, counts: ["parameters": c.parameters, "buffers": c.buffers, "total": c.total, "unique": c.unique])
    }

    @Test func manifestHasTheReferenceModels() {
        #expect(Self.torchFiles.count >= 10)
    }

    @Test(arguments: torchFiles) func countsMatchTorch(_ e: Expected) throws {
        let r = try CLIRunner.run(["count", ReferenceManifest.path(e.file), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try r.json()
        for (k, v) in e.counts { #expect(o[k] as? Int == v, "\(e.file) \(k)") }
    }

    @Test func seqnetText() throws {
        let r = try CLIRunner.run(["count", ReferenceManifest.path("seqnet.pt")])
        #expect(r.status == 0)
        #expect(r.stdout == """
            parameters  361
            buffers      13  (3 tensors)
            total       374  (12 tensors, every key)
            unique      374

            by dtype:
              float32  373
              int64      1

            parameters by prefix:
              embed   40
              lstm   288
              bn      12
              head    21

            """)
    }

    @Test func entryOfATrainingCheckpoint() throws {
        let r = try CLIRunner.run(["count", ReferenceManifest.path("train.pt") + "#model", "--json", "--depth", "2"])
        #expect(r.status == 0)
        let o = try r.json()
        #expect(o["parameters"] as? Int == 49)
        #expect(o["by_prefix"] as? [String: Int] == ["0": 40, "2": 9])
        #expect(o["by_dtype"] as? [String: Int] == ["float32": 49])
    }

    /// `Fixtures/models/models.json`: `sum(p.numel() for p in model.parameters())` and buffers from torch.
    static let models: [Expected] = ModelFixtures.names.compactMap { name in
        guard let d = ModelFixtures.figures[name], let p = d["parameters"] as? Int, let b = d["buffers"] as? Int else { return nil }
        return Expected(file: name, counts: ["parameters": p, "buffers": b])
    }

    @Test(arguments: models) func modelFilesCountExactly(_ e: Expected) throws {
        let r = try CLIRunner.run(["count", ModelFixtures.path("\(e.file).model"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try r.json()
        for (k, v) in e.counts { #expect(o[k] as? Int == v, "\(e.file) \(k)") }
    }

    @Test func aBrokenModelFileIsOneLineError() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let path = dir.appendingPathComponent("bad.model").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("Sequential(\n  (0): Linear(in_features=4, out_features=)\n)\n".utf8))
        let r = try CLIRunner.run(["count", path])
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.hasPrefix("ckpt: error: \(path): "), "\(r.stderr)")
    }

    /// count, summary and load-into (without -o) build a printout for its keys and shapes only: a 6.7B-parameter
    /// LLaMA-shaped printout with a 405B model's 2.1B-element head is counted exactly without touching 27 GB;
    /// building such a model to run, or any layer beyond the shape limit, is a one-line error.
    @Test func hugePrintoutsAreCountedFromShapes() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let block = """
              (0-31): 32 x LlamaDecoderLayer(
                (self_attn): LlamaAttention(
                  (q_proj): Linear(in_features=4096, out_features=4096, bias=False)
                  (k_proj): Linear(in_features=4096, out_features=4096, bias=False)
                  (v_proj): Linear(in_features=4096, out_features=4096, bias=False)
                  (o_proj): Linear(in_features=4096, out_features=4096, bias=False)
                )
                (mlp): LlamaMLP(
                  (gate_proj): Linear(in_features=4096, out_features=11008, bias=False)
                  (up_proj): Linear(in_features=4096, out_features=11008, bias=False)
                  (down_proj): Linear(in_features=11008, out_features=4096, bias=False)
                )
              )
        """
        let text = "LlamaForCausalLM(\n  (embed_tokens): Embedding(32000, 4096)\n  (layers): ModuleList(\n" + block + "\n"
            + "  )\n  (lm_head): Linear(in_features=16384, out_features=128256, bias=False)\n)\n"
        let path = dir.appendingPathComponent("llama.model").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["count", path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try r.json()["parameters"] as? Int == 32000 * 4096 + 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 16384 * 128256)
        #expect(try CLIRunner.run(["summary", path]).status == 0)
        let run = try CLIRunner.run(["init", path, "-o", dir.appendingPathComponent("x.pt").path])
        #expect(run.status == 2 && run.errorLines.count == 1 && run.stderr.contains("8708423680 elements"), "\(run.stderr)")
        let hostile = dir.appendingPathComponent("hostile.model").path
        try "Net(\n  (fc): Linear(in_features=1000000, out_features=1000000, bias=False)\n)\n".write(toFile: hostile, atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["count", hostile])
        #expect(bad.status == 2 && bad.errorLines.count == 1 && bad.stderr.contains("line 2"), "\(bad.stderr)")
    }

    /// Modules of classes ckpt does not know, printed without sizes, are counted as parameter-free, and count says
    /// so; a model without them has no note.
    @Test func countNotesModulesItCannotSize() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let path = dir.appendingPathComponent("t5.model").path
        try "T5Block(\n  (layer_norm): T5LayerNorm()\n  (fc): Linear(in_features=4, out_features=4, bias=False)\n  (final_layer_norm): T5LayerNorm()\n)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["count", path, "--json"])
        let doc = try r.json()
        #expect(r.status == 0 && doc["parameters"] as? Int == 16)
        #expect((doc["notes"] as? [String])?.first?.contains("T5LayerNorm ×2") == true, "\(doc)")
        #expect(try CLIRunner.run(["count", ModelFixtures.path("lenet.model"), "--json"]).json()["notes"] == nil)
        let sized = path.replacingOccurrences(of: "t5.model", with: "t5_sized.model")
        try "T5Block(\n  (layer_norm): T5LayerNorm(\n    (weight): Parameter(4)\n  )\n  (fc): Linear(in_features=4, out_features=4, bias=False)\n)\n"
            .write(toFile: sized, atomically: true, encoding: .utf8)
        let fixed = try CLIRunner.run(["count", sized, "--json"]).json()
        #expect(fixed["parameters"] as? Int == 20 && fixed["notes"] == nil, "\(fixed)")
    }
}
