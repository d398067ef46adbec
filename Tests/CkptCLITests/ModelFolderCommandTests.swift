import CkptTestSupport
import Foundation
import Testing

/// Hugging Face model folders wherever ckpt takes a MODEL: counts, printouts, strict loads and outputs as
/// transformers gives them, for every model type, float32 and bf16, sharded and `.bin` folders.
@Suite struct ModelFolderCommandTests {
    typealias HF = HuggingFaceFixtures

    /// `count FOLDER` is `num_parameters()`.
    @Test(arguments: HF.folders.keys.sorted())
    func countIsNumParameters(name: String) throws {
        let r = try CLIRunner.run(["count", HF.path(name), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try r.json()["parameters"] as? Int == HF.folders[name]?.numParameters)
    }

    /// `run FOLDER --input ids.npy [--attention-mask mask.npy]` writes transformers' output within 1e-4 of its scale.
    @Test(arguments: HF.runnable, [false, true])
    func runMatchesTransformers(name: String, masked: Bool) throws {
        let expected = try #require(HF.folders[name]?.expected)
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("out.npy").path
        let r = try CLIRunner.run(["run", HF.path(name), "--input", HF.ids, "-o", out] + (masked ? ["--attention-mask", HF.mask] : []))
        #expect(r.status == 0, "\(r.stderr)")
        let want = try Fixtures.tensor("hf_models/io/\(expected)\(masked ? ".masked" : "").npy")
        let got = try HF.tensor(atPath: out)
        #expect(got.shape == want.shape && got.dtype == .float32)
        let expectedValues = try want.floatValues()
        expectClose(got.values, expectedValues, tolerance: 1e-4, floor: Closeness.scale(expectedValues), name)
    }

    /// `load-into FOLDER` (strict, the folder's own weights) loads every folder but the one missing a tensor, which
    /// fails naming it.
    @Test(arguments: HF.folders.keys.sorted())
    func strictLoadIntoFollowsFromPretrained(name: String) throws {
        let folder = try #require(HF.folders[name])
        let r = try CLIRunner.run(["load-into", HF.path(name), "--json"])
        let doc = try r.json()
        if let missing = folder.missingKey {
            #expect(r.status == 1 && doc["missing_keys"] as? [String] == [missing])
        } else {
            #expect(r.status == 0, "\(r.stdout)")
            #expect((doc["missing_keys"] as? [String])?.isEmpty == true && (doc["unexpected_keys"] as? [String])?.isEmpty == true)
        }
    }

    /// `summary FOLDER` starts with what transformers' `print(model)` printed.
    @Test(arguments: HF.printed)
    func summaryPrintsAsTransformers(name: String) throws {
        let r = try CLIRunner.run(["summary", HF.path(name)])
        #expect(r.status == 0, "\(r.stderr)")
        let printed = try String(contentsOfFile: HF.path("\(name)/print.txt"), encoding: .utf8)
        #expect(r.stdout.hasPrefix(printed + "\n"))
    }

    /// `--tokens` is a batch of one: the first row of transformers' output for `ids.npy`.
    @Test func tokensAreABatchOfOne() throws {
        let tokens = HF.firstTokens.map(String.init).joined(separator: ",")
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("first.npy").path
        let r = try CLIRunner.run(["run", HF.path("qwen2"), "--tokens", tokens, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try HF.tensor(atPath: out)
        let want = try Fixtures.tensor("hf_models/io/qwen2.npy").floatValues()
        #expect(got.shape == [1, 8, 100])
        expectClose(got.values, Array(want.prefix(got.values.count)), tolerance: 1e-4, floor: Closeness.scale(want))
    }

    /// An explicit CHECKPOINT overrides the folder's own weights.
    @Test func explicitCheckpointOverridesTheFolders() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("out.npy").path
        let r = try CLIRunner.run(["run", HF.path("llama"), HF.path("llama-perturbed/model.safetensors"), "--input", HF.ids, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let want = try Fixtures.tensor("hf_models/io/llama-perturbed.npy").floatValues()
        expectClose(try HF.tensor(atPath: out).values, want, tolerance: 1e-4, floor: Closeness.scale(want))
    }

    /// A printout beside a `config.json` builds transformers' classes from the config, and runs.
    @Test func printoutBesideConfigRuns() throws {
        let r = try CLIRunner.run(["verify", HF.path("gpt2/print.txt"), HF.path("gpt2/model.safetensors"), "--input", HF.ids,
                                   "--expect", HF.path("io/gpt2.npy"), "--atol", "1e-4", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }

    @Test func unknownModelTypeIsOneLineError() throws {
        let r = try CLIRunner.run(["count", HF.path("unknown")])
        #expect(r.status == 2 && r.errorLines == ["ckpt: error: \(HF.path("unknown/config.json")): model_type 't5' is not one ckpt builds "
                                                   + "(supported: llama, mistral, qwen2, qwen3, gpt2, bert)"])
    }

    /// A folder is a checkpoint too (format `folder`): its weights, for inspect, diff and --against.
    @Test func folderReadsAsItsWeights() throws {
        let inspect = try CLIRunner.run(["inspect", HF.path("qwen2"), "--json"])
        let format = try inspect.json()["format"] as? String
        #expect(inspect.status == 0 && format == "folder")
        let diff = try CLIRunner.run(["diff", HF.path("gpt2"), HF.path("gpt2/model.safetensors"), "-q"])
        #expect(diff.status == 0)
    }

    /// `init FOLDER` writes a fresh state_dict that loads back strictly.
    @Test func initWritesALoadableStateDict() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("fresh.safetensors").path
        #expect(try CLIRunner.run(["init", HF.path("bert"), "-o", out]).status == 0)
        #expect(try CLIRunner.run(["load-into", HF.path("bert"), out, "-q"]).status == 0)
    }

    @Test func modelFileWithoutCheckpointIsAnError() throws {
        let r = try CLIRunner.run(["load-into", Fixtures.path("models/lenet.model")])
        #expect(r.status == 2 && r.errorLines == ["ckpt: error: \(Fixtures.path("models/lenet.model")) is not a model folder: give the CHECKPOINT to load into it"])
    }
}
