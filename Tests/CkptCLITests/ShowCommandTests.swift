import CkptTestSupport
import Foundation
import Testing

/// `ckpt show` prints what `print(t)` prints in torch (`Fixtures/show/*.json`, from `Fixtures/gen/show.py`).
@Suite struct ShowCommandTests {
    static let goldens: [String: String] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.path("show/cases.json"))),
              let cases = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [:] }
        var out: [String: String] = [:]
        for c in cases { if let n = c["name"] as? String, let s = c["str"] as? String { out[n] = s } }
        return out
    }()

    /// A sample through the binary; every case is checked in-process by `TensorReprTests`.
    @Test(arguments: ["randn_2x3x4", "summarized_50x40", "float16_12_suffix_wraps", "empty_0x3", "scalar_int",
                      "bool_2x3", "nan_inf", "summarized_int_mode"])
    func matchesTorch(_ name: String) throws {
        let golden = try #require(Self.goldens[name])
        let r = try CLIRunner.run(["show", Fixtures.path("show/tensors.pt"), name])
        #expect(r.status == 0 && r.stderr.isEmpty)
        #expect(r.stdout == golden + "\n")
    }

    @Test func maxSetsTheSummaryThreshold() throws {
        let r = try CLIRunner.run(["show", Fixtures.path("show/tensors.pt"), "arange_10", "--max", "5"])
        #expect(r.stdout == "tensor([0, 1, 2,  ..., 7, 8, 9])\n")
    }

    @Test func viewsReadThroughStrides() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("show/views.json")))
        let views = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        for (key, golden) in views {
            let r = try CLIRunner.run(["show", Fixtures.path("show/views.pt"), key])
            #expect(r.stdout == golden + "\n", "\(key)")
        }
    }

    @Test func missingKeyNamesCloseMatches() throws {
        let file = Fixtures.path("reference/tied.pt")
        let r = try CLIRunner.run(["show", file, "2.wieght"])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.errorLines == ["ckpt: error: \(file): no tensor '2.wieght' (close matches: 2.weight, 0.weight, 4.weight, 6.weight)"])
    }

    @Test func metadataValuesPrintAsPython() throws {
        let r = try CLIRunner.run(["show", Fixtures.path("reference/train.pt"), "optimizer.param_groups.0.betas"])
        #expect(r.status == 0 && r.stdout == "(0.9, 0.999)\n")
    }

    @Test func keyMayBeLeftOutForAOneTensorFile() throws {
        let r = try CLIRunner.run(["show", Fixtures.path("show/single.pt")])
        #expect(r.status == 0)
        #expect(r.stdout == "tensor([[0, 1, 2],\n        [3, 4, 5]], dtype=torch.int32)\n")
        let many = try CLIRunner.run(["show", Fixtures.path("reference/mlp.pt")])
        #expect(many.status == 2)
        #expect(many.errorLines == ["ckpt: error: \(Fixtures.path("reference/mlp.pt")): which tensor? the file holds 4: 0.weight, 0.bias, 2.weight, 2.bias"])
    }
}
