import CkptTestSupport
import Foundation
import Testing

/// `--json` and `-q/--quiet`, one group in every command: with `-q` no text reaches stdout and the exit status
/// still answers; with `--json` stdout is one JSON document (diff's `-q` silences that too).
@Suite struct OutputOptionsTests {
    static let lenet = ModelFixtures.path("lenet.model"), lenetPT = ModelFixtures.path("lenet.pt")
    static let input = ModelFixtures.path("lenet.input.npy"), mlp = Fixtures.path("reference/mlp.pt")

    /// Every command, with what it needs; `{out}` is a fresh output path.
    static let commands: [[String]] = [
        ["inspect", mlp], ["count", mlp], ["count", lenet], ["show", mlp, "0.bias"], ["diff", mlp, mlp],
        ["convert", mlp, "{out}.safetensors"], ["load-into", lenet, lenetPT], ["verify", lenet, lenetPT, "--input", input],
        ["run", lenet, lenetPT, "--input", input, "-o", "{out}.npy"], ["init", lenet, "-o", "{out}.pt"], ["summary", lenet],
    ]

    func run(_ args: [String], _ extra: String) throws -> CLIRunner.Result {
        let out = Temporary.path()
        defer { for ext in [".safetensors", ".npy", ".pt"] { Temporary.remove(out + ext) } }
        return try CLIRunner.run(args.map { $0.replacingOccurrences(of: "{out}", with: out) } + [extra])
    }

    @Test(arguments: commands)
    func quietPrintsNoText(_ args: [String]) throws {
        let r = try run(args, "-q")
        #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty, "\(args): \(r.status) \(r.stdout)\(r.stderr)")
    }

    @Test(arguments: commands)
    func jsonIsOneDocument(_ args: [String]) throws {
        let r = try run(args, "--json")
        #expect(r.status == 0 && r.stderr.isEmpty, "\(args): \(r.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) is [String: Any], "\(args): \(r.stdout)")
    }

    /// The documents of the commands that had none before the shared group: what was written, and the summary.
    @Test func runInitAndSummaryDocuments() throws {
        let out = Temporary.path(".npy")
        defer { Temporary.remove(out) }
        let run = try CLIRunner.run(["run", Self.lenet, Self.lenetPT, "--input", Self.input, "-o", out, "--json"]).json()
        let tensors = try #require(run["tensors"] as? [[String: Any]])
        #expect(run["format"] as? String == "npy" && run["output"] as? String == out && run["bytes"] as? Int == 40)
        #expect(tensors.count == 1 && tensors[0]["key"] as? String == "output" && tensors[0]["shape"] as? [Int] == [1, 10])
        let summary = try CLIRunner.run(["summary", Self.lenet, "--input-shape", "1,1,32,32", "--json"]).json()
        let layers = try #require(summary["layers"] as? [[String: Any]])
        #expect(summary["parameters"] as? Int == 61_706 && (summary["repr"] as? String)?.hasPrefix("Net(") == true)
        #expect(layers.count == 6 && layers[2]["name"] as? String == "conv2" && layers[2]["output_shapes"] as? [[Int]] == [[1, 16, 10, 10]])
    }

    /// diff's `-q` wins over `--json` (as before the shared group); the exit status still answers.
    @Test func diffQuietSilencesJSON() throws {
        let r = try CLIRunner.run(["diff", Self.mlp, Fixtures.path("reference/tied.pt"), "--json", "-q"])
        #expect(r.status == 1 && r.stdout.isEmpty)
    }
}
