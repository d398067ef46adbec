import ArgumentParser
import CkptCore
import CkptNN
import CkptTensor
import Foundation

/// `ckpt summary MODEL`: PyTorch's print(model), then a per-layer table.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model as PyTorch's print(model) does, then its layers with parameter counts (and output shapes).")

    @Argument(help: "The model file.") var model: String
    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Run one forward pass on random data of this shape to show output shapes (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []
    @Option(help: "Seed for the random input.") var seed: UInt64 = 0

    func run() throws {
        try CLI.guarded {
            let module = try ModelSupport.model(model, initialized: !inputShape.isEmpty)
            let shapes = OutputShapes()
            if !inputShape.isEmpty {
                module.eval()
                let inputs = try InputSupport.inputs(files: [], shapes: inputShape, seed: seed)
                do {
                    _ = try Module.withForwardHook({ m, out in shapes.record(m, out) }) { try Tensor.noGrad { try module.call(inputs) } }
                } catch { throw PathError(path: model, message: "\(error)") }
            }
            print(module.description)
            print()
            var table = TextTable([("layer", .left), ("type", .left), ("parameters", .right)] + (inputShape.isEmpty ? [] : [("output shape", .left)]))
            var counted = Set<ObjectIdentifier>()
            for (name, m) in module.namedModules() {
                let own = m.parameterSlots.values.compactMap { $0 }.filter { counted.insert(ObjectIdentifier($0)).inserted }.reduce(0) { $0 + $1.numel }
                var row = [name.isEmpty ? "(root)" : name, m.typeName, Fmt.count(own)]
                if !inputShape.isEmpty { row.append(shapes[m] ?? "") }
                table.add(row)
            }
            print(table.render())
            let params = module.parameters()
            let buffers = module.namedBuffers().reduce(0) { $0 + $1.1.numel }
            print()
            print("parameters  \(Fmt.count(params.reduce(0) { $0 + $1.numel })) (trainable \(Fmt.count(params.filter(\.requiresGrad).reduce(0) { $0 + $1.numel })))")
            print("buffers     \(Fmt.count(buffers))")
        }
    }
}

/// Each module's first output shapes, written by a forward hook (locked: a hook may run on any thread).
private final class OutputShapes: @unchecked Sendable {
    private let lock = NSLock()
    private var shapes: [ObjectIdentifier: String] = [:]

    func record(_ m: Module, _ out: ModuleValue) {
        lock.withLock {
            if shapes[ObjectIdentifier(m)] == nil {
                shapes[ObjectIdentifier(m)] = InputSupport.flatten(out).map { "\($0.shape)" }.joined(separator: ", ")
            }
        }
    }

    subscript(m: Module) -> String? { lock.withLock { shapes[ObjectIdentifier(m)] } }
}
