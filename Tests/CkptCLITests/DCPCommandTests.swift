import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// The commands on distributed checkpoint folders (`Fixtures/dcp_files/`, written by torch.distributed.checkpoint
/// from one process and from 2 gloo ranks): what `dcp_to_torch_save` gives, as the manifests record.
@Suite struct DCPCommandTests {
    static let fixtures = ["dcp_files/single", "dcp_files/sharded"]

    @Test(arguments: fixtures)
    func inspectListsTheGlobalTensorsAndItems(_ name: String) throws {
        let m = try FormatManifest.of(name)
        #expect(m.format == "dcp")
        let (j, rows) = try m.inspected(name)
        #expect(rows.map { $0["shape"] as? [Int] } == m.tensors.map(\.shape))
        let metadata = try #require(j["metadata"] as? [String: Any])
        #expect(Set(metadata.keys) == Set((m.metadata ?? []).map(\.key)))
    }

    @Test(arguments: fixtures)
    func diffAgainstDcpToTorchSaveIsIdentical(_ name: String) throws {
        let r = try CLIRunner.run(["diff", Fixtures.path(name), Fixtures.path(name + ".torch_save.pt")])
        #expect(r.status == 0 && r.stdout.contains("identical: "), "\(r.stdout) \(r.stderr)")
    }

    @Test(arguments: fixtures)
    func convertToPtGivesWhatDcpToTorchSaveGives(_ name: String) throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("out.pt").path
        let r = try CLIRunner.run(["convert", Fixtures.path(name), out])
        #expect(r.status == 0, "\(r.stderr)")
        let written = try Checkpoint.read(out).stateDict
        let m = try FormatManifest.of(name)
        try m.expectMatches(written, "\(name) → .pt")
        m.expectMetadata(written, "\(name) → .pt")
        let saved = try Checkpoint.read(Fixtures.path(name + ".torch_save.pt")).stateDict.root
        #expect(written.root.description == saved.description, "the same nesting, lists and tuples as dcp_to_torch_save")
    }

    @Test func showAndStatsReassembleShards() throws {
        let path = Fixtures.path("dcp_files/sharded")
        let show = try CLIRunner.run(["show", path, "uneven"])
        #expect(show.stdout == "tensor([ 0, 11, 22, 33, 44, 55, 66])\n", "\(show.stdout) \(show.stderr)")
        let count = try CLIRunner.run(["count", path, "--json"])
        let j = try #require(try JSONSerialization.jsonObject(with: Data(count.stdout.utf8)) as? [String: Any])
        #expect(j["parameters"] as? Int == 20 + 18 + 4 + 3 + 1 && j["buffers"] as? Int == 7)
    }

    @Test func hostileFoldersAreOneLineErrors() throws {
        for name in ["gap", "overlap", "escape", "past_end", "transform", "missing", "unsafe"] {
            let path = Fixtures.path("dcp_files/hostile/" + name)
            let r = try CLIRunner.run(["inspect", path, "--stats"])
            #expect(r.status == 2 && r.stdout.isEmpty && r.errorLines.count == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("ckpt: error: \(path): "), "\(name)")
        }
    }
}
