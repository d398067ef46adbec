import CkptNN
import CkptReports
import CkptTensor
import Foundation

extension ModelSummary {
    /// Summarises the model `source` builds. With `inputs`, one forward pass (eval mode, no gradients) records
    /// each module's output shapes; without, the model is built from shapes only (any size).
    public init(_ source: ModelSource, inputs: ForwardInputs? = nil) throws {
        let module = try source.build(initialized: inputs != nil)
        guard let inputs else {
            self.init(model: source.path, module: module)
            return
        }
        module.eval()
        let arguments = try inputs.values()
        let shapes = OutputShapes()
        do {
            _ = try Module.withForwardHook({ m, out in shapes.record(m, out) }) { try Tensor.noGrad { try module.call(arguments) } }
        } catch {
            throw PathError(path: source.path, .forwardFailed("\(error)"))
        }
        self.init(model: source.path, module: module, outputShapes: shapes.first)
    }
}

/// Each module's first output shapes, written by a forward hook (locked: a hook may run on any thread).
private final class OutputShapes: @unchecked Sendable {
    private let lock = NSLock()
    private var shapes: [ObjectIdentifier: [[Int]]] = [:]

    func record(_ m: Module, _ out: ModuleValue) {
        lock.withLock {
            if shapes[ObjectIdentifier(m)] == nil { shapes[ObjectIdentifier(m)] = ForwardInputs.flatten(out).map(\.shape) }
        }
    }

    var first: [ObjectIdentifier: [[Int]]] { lock.withLock { shapes } }
}
