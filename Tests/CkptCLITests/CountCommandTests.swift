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
    static let torchFiles: [Expected] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.path("reference/manifest.json"))),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = o["files"] as? [String: Any] else { return [] }
        return files.compactMap { name, v -> Expected? in
            guard name.hasSuffix(".pt"), let d = v as? [String: Any], let c = d["count"] as? [String: Int] else { return nil }
            return Expected(file: name, counts: c)
        }.sorted { $0.file < $1.file }
    }()

    @Test func manifestHasTheReferenceModels() {
        #expect(Self.torchFiles.count >= 10)
    }

    @Test(arguments: torchFiles) func countsMatchTorch(_ e: Expected) throws {
        let r = try CLIRunner.run(["count", Fixtures.path("reference/" + e.file), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for (k, v) in e.counts { #expect(o[k] as? Int == v, "\(e.file) \(k)") }
    }

    @Test func seqnetText() throws {
        let r = try CLIRunner.run(["count", Fixtures.path("reference/seqnet.pt")])
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
        let r = try CLIRunner.run(["count", Fixtures.path("reference/train.pt") + "#model", "--json", "--depth", "2"])
        #expect(r.status == 0)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["parameters"] as? Int == 49)
        #expect(o["by_prefix"] as? [String: Int] == ["0": 40, "2": 9])
        #expect(o["by_dtype"] as? [String: Int] == ["float32": 49])
    }

    /// `Fixtures/models/models.json`: `sum(p.numel() for p in model.parameters())` and buffers from torch.
    static let models: [Expected] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/models.json"))),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return o.compactMap { name, v -> Expected? in
            guard let d = v as? [String: Any], let p = d["parameters"] as? Int, let b = d["buffers"] as? Int,
                  Fixtures.exists("models/\(name).model") else { return nil }
            return Expected(file: name, counts: ["parameters": p, "buffers": b])
        }.sorted { $0.file < $1.file }
    }()

    @Test(arguments: models) func modelFilesCountExactly(_ e: Expected) throws {
        let r = try CLIRunner.run(["count", Fixtures.path("models/\(e.file).model"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
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
}
