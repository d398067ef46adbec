import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// The commands on TorchScript and torch.export archives (`Fixtures/torchscript_files/`, written by torch 2.15):
/// inspect, count, show, diff and convert give what `torch.jit.load(f).state_dict()` gives, as the manifests record.
@Suite struct TorchScriptCommandTests {
    static let fixtures = FormatManifest.fixtures(in: "torchscript_files")

    static func json(_ r: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout) \(r.stderr)")
    }

    @Test(arguments: fixtures)
    func inspectAndCountAsTorchReports(_ name: String) throws {
        let m = try FormatManifest.of(name)
        let (_, rows) = try m.inspected(name)
        for (row, t) in zip(rows, m.tensors) {
            #expect(row["dtype"] as? String == t.dtype && row["shape"] as? [Int] == t.shape, "\(t.key)")
            #expect(row["shared_with"] as? String == t.sharedWith, "\(t.key)")
        }
        let count = try Self.json(try CLIRunner.run(["count", Fixtures.path(name), "--json"]))
        let expected = try #require(m.count)
        #expect(count["parameters"] as? Int == expected.parameters && count["buffers"] as? Int == expected.buffers, "\(name)")
    }

    @Test func showPrintsAsPyTorchDoes() throws {
        for name in ["torchscript_files/scripted.pt", "torchscript_files/traced.pt"] {
            for (key, expected) in try #require(try FormatManifest.of(name).torchStr) {
                let r = try CLIRunner.run(["show", Fixtures.path(name), key])
                #expect(r.status == 0 && r.stdout == expected + "\n", "\(name) \(key): \(r.stdout) \(r.stderr)")
            }
        }
    }

    @Test func diffAgainstTheStateDictTorchSaved() throws {
        let r = try CLIRunner.run(["diff", Fixtures.path("torchscript_files/scripted.pt"), Fixtures.path("torchscript_files/scripted.state_dict.pt")])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.hasSuffix("identical: 22 tensors, same keys, shapes, dtypes and values\n"), "\(r.stdout)")
    }

    @Test(arguments: fixtures)
    func convertKeepsKeysOrderAndBytes(_ name: String) throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let m = try FormatManifest.of(name)
        for ext in ["pt", "safetensors"] {
            let out = dir.appendingPathComponent("out." + ext).path
            let r = try CLIRunner.run(["convert", Fixtures.path(name), out])
            #expect(r.status == 0, "\(name) → \(ext): \(r.stderr)")
            let written = try Checkpoint.read(out).stateDict
            if ext == "pt" {
                try m.expectMatches(written, "\(name) → .pt")
            } else {
                #expect(Array(written.tensors.keys) == m.tensors.map(\.key))
                for t in m.tensors {
                    #expect(try written.tensors[t.key].map { try TensorRecord(key: t.key, $0).sha256 } == t.sha256, "\(name) → \(ext) \(t.key)")
                }
            }
        }
    }

    @Test func hostileArchivesAreOneLineErrors() throws {
        for name in ["no_source", "no_class", "bad_list", "param_not_tensor", "unsafe_global", "cycle"] {
            let path = Fixtures.path("torchscript_files/hostile/\(name).pt")
            let r = try CLIRunner.run(["inspect", path])
            #expect(r.status == 2 && r.stdout.isEmpty && r.errorLines.count == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("ckpt: error: \(path): "), "\(name)")
        }
    }
}
