import CkptTestSupport
import Testing

/// `ckpt summary`: PyTorch's printout and each module's output shape.
@Suite struct SummaryCommandTests {
    @Test func summaryPrintsTheReprAndOutputShapes() throws {
        let r = try CLIRunner.run(["summary", ModelFixtures.path("lenet.model"), "--input-shape", "1,1,32,32"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("Net(\n  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"))
        #expect(r.stdout.contains("[1, 16, 10, 10]") && r.stdout.contains("61,706"))
    }
}
