import CkptTestSupport
import Foundation
import Testing

/// `ckpt verify` on every model fixture: PyTorch's output within 1e-5 and finite gradients.
@Suite struct VerifyCommandTests {
    @Test(arguments: ModelFixtures.names)
    func verifyMatchesPyTorch(name: String) throws {
        let m = ModelFixtures.path
        let r = try CLIRunner.run(["verify", m(name + ".model"), m(name + ".pt"), "--input", m(name + ".input.npy"),
                                   "--expect", m(name + ".expected.npy"), "--backward", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let doc = try r.json()
        #expect(doc["ok"] as? Bool == true)
        let outputs = try #require(doc["outputs"] as? [[String: Any]])
        #expect(outputs.count == 1)
        #expect((outputs[0]["max_abs_diff"] as? Double ?? 1) < 1e-5)
        #expect((doc["gradients"] as? [String: Any])?["finite"] as? Bool == true)
    }
}
