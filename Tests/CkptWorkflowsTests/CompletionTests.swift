import CkptModel
import CkptTestSupport
import Foundation
import Testing
@testable import CkptWorkflows

/// Printouts of tiny transformers models beside the checkpoints transformers and torch wrote for them
/// (`Fixtures/gen/completion.py`): what print(model) cannot show is diagnosed with the exact model-file lines, and
/// the completed model file counts as PyTorch counts and loads strictly.
@Suite struct CompletionTests {
    struct Manifest: Decodable { let parameters: Int }

    static func path(_ name: String) -> String { Fixtures.path("completion/" + name) }
    static func parameters(_ name: String) throws -> Int { try Fixtures.decode(Manifest.self, "completion/\(name).json").parameters }
    static func session(_ name: String, _ checkpoint: String) throws -> LoadSession {
        try LoadSession(model: .modelFile(path: path(name + ".txt")), checkpoint: CheckpointReference(path(checkpoint)), values: false)
    }

    /// Each model, the file it is loaded from, and lines the diagnosis must hold.
    static let cases: [(name: String, checkpoint: String, lines: [String])] = [
        ("gpt2", "gpt2.safetensors", ["'(lm_head.weight): (transformer.wte.weight)'"]),
        ("vit", "vit.pt", ["'(cls_token): Parameter containing: [torch.float32 of size 1x1x16]' inside 'embeddings'",
                           "'(position_embeddings): Parameter containing: [torch.float32 of size 1x5x16]' inside 'embeddings'"]),
        ("clip_vision", "clip_vision.safetensors", ["'(class_embedding): Parameter containing: [torch.float32 of size 16]' inside 'embeddings'"]),
        ("t5", "t5.safetensors", ["'(weight): Parameter containing: [torch.float32 of size 16]' inside 'encoder.final_layer_norm'",
                                  "'(lm_head.weight): (shared.weight)'", "'(encoder.embed_tokens.weight): (shared.weight)'"]),
    ]

    @Test(arguments: cases.indices)
    func diagnosisNamesTheLinesAndTheCompletedModelCountsAsPyTorch(_ i: Int) throws {
        let c = Self.cases[i]
        let before = try Self.session(c.name, c.checkpoint).load()
        #expect(!before.ok, "\(c.name)")
        for line in c.lines { #expect(before.diagnosis.contains { $0.contains("add the line " + line) }, "\(c.name): \(line) in \(before.diagnosis)") }
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let out = dir.appendingPathComponent(c.name + ".model").path
            let report = try CompletionReport(completing: try Self.session(c.name, c.checkpoint), into: out)
            #expect(report.ok, "\(c.name): \(report.load.diagnosis)")
            #expect(report.additions.count >= c.lines.count)
            let counted = try Counting.count(.modelFile(path: out))
            #expect(counted.parameters == (try Self.parameters(c.name)), "\(c.name)")
            // The .pt holds every key (ties as one storage): it loads the completed model strictly.
            let strict = try LoadSession(model: .modelFile(path: out), checkpoint: CheckpointReference(Self.path(c.name + ".pt")), values: false).load()
            #expect(strict.ok, "\(c.name): \(strict.missingKeys) \(strict.unexpectedKeys)")
            // Each added line sits after a comment with its evidence, and the completed file still prints back as torch printed.
            let text = try String(contentsOfFile: out, encoding: .utf8)
            for a in report.additions { #expect(text.contains("# " + a.evidence + "\n") && text.contains(a.line)) }
            let printed = try String(contentsOfFile: Self.path(c.name + ".txt"), encoding: .utf8)
            #expect(try ModelSource.modelFile(path: out).build(initialized: false).description + "\n" == printed)
        }
    }

    /// `count MODEL CHECKPOINT` counts the completed model and says what it added; a .pt's shared storage is a tie.
    @Test(arguments: ["gpt2", "t5", "vit", "clip_vision"])
    func countWithItsCheckpointIsPyTorchsCount(_ name: String) throws {
        let report = try Counting.count(.modelFile(path: Self.path(name + ".txt")), completedBy: CheckpointReference(Self.path(name + ".pt")))
        #expect(report.parameters == (try Self.parameters(name)))
        #expect(report.notes.contains { $0.hasPrefix("added '(") })
        // The printout alone counts GPT-2's tied head twice.
        if name == "gpt2" { #expect(try Counting.count(.modelFile(path: Self.path("gpt2.txt"))).parameters == (try Self.parameters(name)) + 50 * 16) }
    }

    /// A missing weight that two embeddings could be tied to is refused with both named; nothing is written.
    @Test func anAmbiguousTieIsRefusedNamingBothCandidates() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let out = dir.appendingPathComponent("towers.model").path
            do {
                _ = try CompletionReport(completing: try Self.session("ambiguous", "ambiguous.safetensors"), into: out)
                Issue.record("an ambiguous completion was written")
            } catch let e as PathError {
                #expect(e.problem == .ambiguousTie(key: "head.weight", candidates: ["doc_embed.weight", "query_embed.weight"]))
            }
            #expect(!FileManager.default.fileExists(atPath: out))
            let report = try Self.session("ambiguous", "ambiguous.safetensors").load()
            #expect(report.diagnosis.contains { $0.contains("'head.weight' is missing and has the shape of 'doc_embed.weight' and 'query_embed.weight'") })
        }
    }
}
