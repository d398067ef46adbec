import CkptCore
import CkptReports
import CkptTensor
import CkptWorkflows
import Foundation

/// The model-file targets. The input is a model file; `printout` does what `count` and `summary` do with it
/// (parse, build from shapes only, count, print); `forward` builds it to run and runs its forward (pasted or
/// Sequential) on seeded random input, under engine limits small enough that one input stays fast.
enum ModelTargets {
    static let printout = FuzzTarget(name: "model-printout", setUp: nil) { bytes in
        let path = FuzzScratch.write("m.model", bytes)
        let source = ModelSource.modelFile(path: path)
        _ = try? Counting.count(source, depth: 2)
        if let summary = try? ModelSummary(source) { _ = summary.repr }
    }

    /// Limits for `forward`: 2^20 elements a model, a layer or an op.
    static let limits: EngineLimits = {
        var l = EngineLimits()
        l.maxOpElements = 1 << 20
        l.maxModelElements = 1 << 20
        l.maxLayerElements = 1 << 20
        l.maxShapesOnlyLayerElements = 1 << 24
        l.maxCallDepth = 50
        return l
    }()

    /// The input shape comes from a first line `#shape 1,3,8,8` (how the seeds carry their fixture's input
    /// shape); [2, 4] otherwise.
    static let forward = FuzzTarget(name: "model-forward", setUp: nil) { bytes in
        let path = FuzzScratch.write("f.model", bytes)
        var shape = "2,4"
        let head = bytes.prefix(64)
        if head.starts(with: Array("#shape ".utf8)), let end = head.firstIndex(of: 10) {
            shape = String(decoding: head[7 ..< end], as: UTF8.self)
        }
        EngineContext.with({ $0.limits = limits }) {
            _ = try? ModelSummary(.modelFile(path: path), inputs: ForwardInputs(shapes: [shape], seed: 1))
        }
    }
}
