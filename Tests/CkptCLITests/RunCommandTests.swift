import CkptTestSupport
import Foundation
import Testing

/// `ckpt run` writes the model's outputs as PyTorch computes them.
@Suite struct RunCommandTests {
    let m = ModelFixtures.path

    @Test func runWritesPyTorchsOutputs() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("lenet.expected.npy").path  // same name, same .npy key
        let r = try CLIRunner.run(["run", m("lenet.model"), m("lenet.pt"), "--input", m("lenet.input.npy"), "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let verify = try CLIRunner.run(["diff", out, m("lenet.expected.npy"), "--atol", "1e-6", "-q"])
        #expect(verify.status == 0)
    }
}
