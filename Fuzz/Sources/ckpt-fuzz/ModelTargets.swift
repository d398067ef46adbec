import CkptCore
import CkptReports
import CkptTensor
import CkptWorkflows
import Foundation

/// The model-file targets. The input is a model file; `printout` does what `count` and `summary` do with it
/// (parse, build from shapes only, count, print, from one build); `forward` builds it to run and runs its forward (pasted or
/// Sequential) on seeded random input, under engine limits small enough that one input stays fast.
enum ModelTargets {
    /// Builds, counts and runs a small model once before the first input, so that the one-time set-up of layer
    /// schemas and catalogs (seconds under AddressSanitizer) is not charged to whichever input comes first.
    static func warmUp() {
        let path = FuzzScratch.folder + "/warm.model"
        let text = "Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True)\n  (act): ReLU()\n)\n"
        try? text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = try? Counting.count(.modelFile(path: path), depth: 2)
        _ = try? ModelSummary(.modelFile(path: path), inputs: ForwardInputs(shapes: ["2,4"], seed: 1))
    }

    /// What `count` and `summary` do with a model file, from one build (both build it from shapes only).
    static let printout = FuzzTarget(name: "model-printout", setUp: warmUp) { bytes in
        let path = FuzzScratch.write("m.model", bytes)
        guard let module = try? ModelSource.modelFile(path: path).build(initialized: false) else { return }
        _ = Counting.count(module, depth: 2)
        _ = ModelSummary(model: path, module: module).repr
    }

    /// Limits for `forward`: 2^16 elements a model, a layer or an op. (At 2^20 a quarter of the target's time went to
    /// coverage callbacks inside the convolution kernels on the few inputs that reached them; the kernels' larger
    /// shapes are the engine tests' job, the parser's and interpreter's paths are this target's.)
    static let limits: EngineLimits = {
        var l = EngineLimits()
        l.maxOpElements = 1 << 16
        l.maxModelElements = 1 << 16
        l.maxLayerElements = 1 << 16
        l.maxShapesOnlyLayerElements = 1 << 24
        l.maxCallDepth = 50
        return l
    }()

    /// The input shape comes from a first line `#shape 1,3,8,8` (how the seeds carry their fixture's input
    /// shape); [2, 4] otherwise.
    static let forward = FuzzTarget(name: "model-forward", setUp: warmUp) { bytes in
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
