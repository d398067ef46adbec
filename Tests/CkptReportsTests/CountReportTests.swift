import CkptCore
import CkptTestSupport
import Testing
@testable import CkptReports

@Suite struct CountReportTests {
    func t(_ shape: [Int], _ dtype: DType = .float32) throws -> TensorEntry {
        let n = shape.reduce(1, *)
        return try TensorEntry(dtype: dtype, shape: shape, bytes: [UInt8](repeating: 0, count: n * dtype.itemSize))
    }

    @Test func tinyRegressionHasFortyParameters() throws {
        // Sequential(Linear(1, 13), Linear(13, 1)): sum(p.numel() for p in model.parameters()) == 40.
        let sd = TestTensors.stateDict([("0.weight", try t([13, 1])), ("0.bias", try t([13])),
                                               ("1.weight", try t([1, 13])), ("1.bias", try t([1]))])
        let c = CountReport(stateDict: sd)
        #expect(c.parameters == 40 && c.buffers == 0 && c.total == 40 && c.unique == 40)
        #expect(Array(c.byPrefix.keys) == ["0", "1"] && c.byPrefix["0"] == 26)
    }

    @Test func tiedWeightsCountOnce() throws {
        // The same Linear(8, 8) at 2 and 4: both its weight and its bias are shared.
        let shared = try t([8, 8]), sharedBias = try t([8])
        let sd = TestTensors.stateDict([("0.weight", try t([8, 4])), ("0.bias", try t([8])),
                                               ("2.weight", shared), ("2.bias", sharedBias),
                                               ("4.weight", shared), ("4.bias", sharedBias),
                                               ("6.weight", try t([1, 8])), ("6.bias", try t([1]))])
        let c = CountReport(stateDict: sd)
        // torch: sum(p.numel() for p in net.parameters()) == 121 for the tied model.
        #expect(c.parameters == 121)
        #expect(c.total == 193 && c.unique == 121)
        #expect(c.byPrefix["4"] == 0)
    }

    @Test func buffersAreRunningStatsAndNonFloatingTensors() throws {
        let sd = TestTensors.stateDict([
            ("bn.weight", try t([4])), ("bn.bias", try t([4])), ("bn.running_mean", try t([4])),
            ("bn.running_var", try t([4])), ("bn.num_batches_tracked", try t([], .int64)),
            ("emb.position_ids", try t([1, 16], .int64)), ("emb.weight", try t([10, 3], .float16)),
        ])
        let c = CountReport(stateDict: sd)
        #expect(c.parameters == 38 && c.buffers == 25 && c.total == 63)
        #expect(c.byDtype == ["float32": 16, "int64": 17, "float16": 30])
        #expect(c.bufferTensors == 4)
    }

    @Test func prefixesFollowDepth() throws {
        let sd = TestTensors.stateDict([("param", try t([3, 2])), ("enc.layer.0.w", try t([2])),
                                               ("enc.layer.1.w", try t([2])), ("head.w", try t([1]))])
        #expect(CountReport(stateDict: sd, depth: 1).byPrefix == ["param": 6, "enc": 4, "head": 1])
        #expect(CountReport(stateDict: sd, depth: 2).byPrefix == ["param": 6, "enc.layer": 4, "head": 1])
        #expect(CountReport(stateDict: sd, depth: 9).byPrefix == ["param": 6, "enc.layer.0": 2, "enc.layer.1": 2, "head": 1])
    }
}
