import CkptCore
import CkptFormats
import CkptReports
import CkptTestSupport
import Testing

/// `CountReport` on every reference fixture gives the manifest's figures; for each model's own `.pt` those are
/// `sum(p.numel() for p in model.parameters())` and the buffers' numel as real PyTorch computed them
/// (tied weights once, BatchNorm statistics and counters apart).
@Suite struct CountReferenceTests {
    @Test(arguments: ReferenceManifest.allFiles)
    func countMatchesTheManifest(_ name: String) throws {
        let expected = try #require(ReferenceManifest.shared?.files[name]?.count)
        let report = CountReport(stateDict: try Checkpoint.read(ReferenceManifest.path(name)).stateDict)
        #expect(report.parameters == expected.parameters, "\(name) parameters")
        #expect(report.buffers == expected.buffers, "\(name) buffers")
        #expect(report.total == expected.total, "\(name) total")
        #expect(report.unique == expected.unique, "\(name) unique")
    }

    @Test(arguments: ReferenceManifest.modelNames)
    func modelCountsAreThoseOfPyTorch(_ model: String) throws {
        let info = try #require(ReferenceManifest.shared?.models[model])
        let report = CountReport(stateDict: try Checkpoint.read(ReferenceManifest.path("\(model).pt")).stateDict)
        #expect(report.parameters == info.parameters, "\(model)")
        #expect(report.buffers == info.buffers, "\(model)")
    }

    @Test func referenceFigures() throws {
        func count(_ name: String) throws -> CountReport { CountReport(stateDict: try Checkpoint.read(ReferenceManifest.path(name)).stateDict) }
        #expect(try count("tiny_regression.pt").parameters == 40)
        let tied = try count("tied.pt")
        #expect(tied.parameters == 121 && tied.total == 193)
        let seq = try count("seqnet.pt")
        #expect(seq.buffers == 13)
        // From the whole training checkpoint, Adam's moments count as floating tensors too.
        #expect(try count("train.pt").parameters == 151)
        let model = CountReport(stateDict: try Checkpoint.read(reference: ReferenceManifest.path("train.pt") + "#model").stateDict)
        #expect(model.parameters == 49)
    }
}
