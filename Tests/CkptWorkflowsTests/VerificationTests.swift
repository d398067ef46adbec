import CkptReports
import CkptWorkflows
import Foundation
import Testing

/// `verify` as a library call: PyTorch's outputs reproduced, gradients checked, mismatches reported, not thrown.
@Suite struct VerificationTests {
    typealias T = WorkflowsTestSupport

    func session(_ name: String, _ options: LoadOptions = LoadOptions()) throws -> LoadSession {
        try LoadSession(model: ModelSource(argument: T.model(name + ".model")), checkpoint: CheckpointReference(T.model(name + ".pt")),
                        options: options)
    }

    @Test(arguments: ["lenet", "tied_lm", "lstm_classifier"])
    func reproducesPyTorchsOutputAndGradients(name: String) throws {
        let r = try session(name).verify(inputs: ForwardInputs(files: [T.model(name + ".input.npy")]),
                                         expected: [T.model(name + ".expected.npy")], backward: true)
        #expect(r.ok && r.load.ok && r.outputs.count == 1)
        #expect(r.outputs[0].finite && r.outputs[0].matches && (r.outputs[0].maxAbsDiff ?? 1) < 1e-5)
        #expect(r.gradients?.missing.isEmpty == true && r.gradients?.finite == true)
    }

    @Test func failedLoadRunsNothing() throws {
        let s = try LoadSession(model: ModelSource(argument: T.model("lenet.model")), checkpoint: CheckpointReference(T.model("lenet_wide_fc3.pt")))
        let r = try s.verify(inputs: ForwardInputs(files: [T.model("lenet.input.npy")]))
        #expect(!r.ok && !r.load.ok && r.outputs.isEmpty && r.gradients == nil)
    }

    @Test func expectedOutputsOfAnotherShapeOrCountFail() throws {
        let inputs = ForwardInputs(files: [T.model("lenet.input.npy")])
        let other = try session("lenet").verify(inputs: inputs, expected: [T.model("lenet.input.npy")])
        #expect(!other.ok && other.outputs.count == 1 && !other.outputs[0].matches && other.outputs[0].maxAbsDiff == nil)
        let twice = [T.model("lenet.expected.npy"), T.model("lenet.expected.npy")]
        #expect(throws: PathError(path: twice[0], .expectedCount(expected: 2, outputs: 1))) {
            try session("lenet").verify(inputs: inputs, expected: twice)
        }
    }

    @Test func tightTolerancesReportTheDifference() throws {
        let r = try session("lenet").verify(inputs: ForwardInputs(files: [T.model("lenet.input.npy")]),
                                            expected: [T.model("lenet.expected.npy")], atol: 0, rtol: 0)
        let d = try #require(r.outputs.first?.maxAbsDiff)
        #expect(d < 1e-5 && r.ok == (d == 0) && r.atol == 0 && r.rtol == 0)
    }

    /// `run`: the forward pass written to a file (one output, `.npy`), equal to what verify compares.
    @Test func runWritesTheOutputs() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let s = try session("lenet")
            #expect(try s.load().ok)
            let out = dir.appendingPathComponent("out.npy").path
            let written = try s.run(inputs: ForwardInputs(files: [T.model("lenet.input.npy")]), writingTo: out)
            #expect(written.format == "npy" && written.tensors.map(\.key) == ["output"] && written.bytes == written.tensors[0].shape.reduce(4, *))
            let got = try ForwardInputs.tensor(out), want = try ForwardInputs.tensor(T.model("lenet.expected.npy"))
            #expect(got.shape == want.shape)
            #expect(VerifyReport.Output.allclose(got.scalars, want.scalars, atol: 1e-5, rtol: 1e-4).close)
            let bad = dir.appendingPathComponent("out.xyz").path
            #expect(throws: PathError(path: bad, .unknownExtension(extensions: ".npy .npz .pt .h5 .safetensors"))) {
                try s.run(inputs: ForwardInputs(files: [T.model("lenet.input.npy")]), writingTo: bad)
            }
        }
    }

    @Test func forwardFailuresNameTheModel() throws {
        let s = try session("lenet")
        #expect(try s.load().ok)
        do {
            _ = try s.forward(ForwardInputs(shapes: ["1,1,3,3"]))
            Issue.record("a 3x3 image ran through LeNet")
        } catch let e as PathError {
            #expect(e.path == T.model("lenet.model"))
            if case .forwardFailed = e.problem {} else { Issue.record("\(e)") }
        }
    }
}
