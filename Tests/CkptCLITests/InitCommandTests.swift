import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// `ckpt init` writes a fresh state_dict for a model file, in any writable format, that loads back.
@Suite struct InitCommandTests {
    let m = ModelFixtures.path

    @Test func initWritesAFreshStateDict() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let fresh = dir.appendingPathComponent("init.safetensors").path
        let i = try CLIRunner.run(["init", m("lenet.model"), "-o", fresh, "--init", "constant:1"])
        #expect(i.status == 0, "\(i.stderr)")
        let shown = try CLIRunner.run(["show", fresh, "conv1.bias"])
        #expect(shown.stdout.contains("tensor([0., 0., 0., 0., 0., 0.])"), "\(shown.stdout)")
        let load = try CLIRunner.run(["load-into", m("lenet.model"), fresh, "-q"])
        #expect(load.status == 0)
        // Written as state_dict() holds them: no tensor requires grad (torch.load would otherwise give leaf tensors
        // that do).
        let freshPT = dir.appendingPathComponent("init.pt").path
        #expect(try CLIRunner.run(["init", m("lenet.model"), "-o", freshPT]).status == 0)
        let loadedOut = dir.appendingPathComponent("loaded.pt").path
        #expect(try CLIRunner.run(["load-into", m("lenet.model"), m("lenet.pt"), "-o", loadedOut, "-q"]).status == 0)
        for path in [freshPT, loadedOut] {
            let tensors = try Checkpoint.read(path).stateDict.tensors
            #expect(tensors.count == 10 && tensors.values.allSatisfy { !$0.requiresGrad }, "\(path)")
        }
        let bad = try CLIRunner.run(["init", m("lenet.model"), "-o", fresh, "--init", "bogus"])
        #expect(bad.status == 2 && bad.errorLines.count == 1)
    }
}
