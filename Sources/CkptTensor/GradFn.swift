/// A node of the backward graph, as PyTorch's `grad_fn`: the op's backward rule plus edges to the
/// nodes of its inputs.
///
/// `kind` is PyTorch's class (`GradFnName.addmmBackward0`, printed by `name` as `AddmmBackward0`) and
/// `nextFunctions` lists one `(node, outputIndex)` per differentiable input, in PyTorch's order;
/// `nil` marks an input that needs no gradient. So `loss.gradFn?.nextFunctions[0].0?.name` walks the
/// graph as `loss.grad_fn.next_functions[0][0]` does. Most nodes have one output; `unbind` and `split` record one
/// node with an output per piece (`MultiOutputGradFn`).
public class GradFn: CustomStringConvertible {
    /// Which of PyTorch's node classes this is.
    public let kind: GradFnName
    /// PyTorch's name for the node (`AddmmBackward0`).
    public var name: String { kind.rawValue }
    /// Edges to the inputs' nodes, `(node, outputIndex)`: which output of that node the input is (its `outputNr`,
    /// 0 but for the pieces of `unbind` and `split`).
    public private(set) var nextFunctions: [(GradFn?, Int)]
    /// Maps the gradient of the node's output to one gradient per `nextFunctions` entry (nil: none).
    /// Cleared after a backward pass without `retainGraph`, which frees the tensors it captured.
    var apply: ((Tensor) throws -> [Tensor?])?

    init(name: GradFnName, nextFunctions: [(GradFn?, Int)], apply: ((Tensor) throws -> [Tensor?])?) {
        self.kind = name
        self.nextFunctions = nextFunctions
        self.apply = apply
    }

    deinit {
        // Release long chains (an RNN unrolled over thousands of steps) with a loop instead of one
        // nested deinit per node, which would overflow the stack. Children only this node holds are
        // emptied before they go, so each of their deinits returns at once.
        var stack = nextFunctions.compactMap { $0.0 }
        nextFunctions = []
        apply = nil
        while var node = stack.popLast() {
            guard isKnownUniquelyReferenced(&node) else { continue }
            stack.append(contentsOf: node.nextFunctions.compactMap { $0.0 })
            node.nextFunctions = []
            node.release()
        }
    }

    /// Drops the backward rule and what it captured (after a backward pass, or when the graph goes).
    func release() { apply = nil }

    /// `<MseLossBackward0>`, like PyTorch's repr without the address.
    public var description: String { "<\(name)>" }

    /// True while the node can still run backward (false after a backward pass without `retainGraph`).
    public var isAvailable: Bool { apply != nil }
}

/// A node with several outputs, as PyTorch's `UnbindBackward0` and `SplitBackward0`: every piece points at this one
/// node and says which output it is (`Tensor.outputNr`). Backward runs once, with the gradients of all outputs
/// (nil for an output none reached), so the input's gradient is assembled in one buffer instead of one zero-filled
/// copy of the whole input per piece, summed piece by piece.
final class MultiOutputGradFn: GradFn {
    /// How many outputs the op returned.
    let outputCount: Int
    /// Maps the outputs' gradients (one per output, in order) to one gradient per `nextFunctions` entry.
    var applyOutputs: (([Tensor?]) throws -> [Tensor?])?

    init(name: GradFnName, nextFunctions: [(GradFn?, Int)], outputCount: Int, apply: @escaping ([Tensor?]) throws -> [Tensor?]) {
        self.outputCount = outputCount
        self.applyOutputs = apply
        super.init(name: name, nextFunctions: nextFunctions, apply: nil)
    }

    override func release() { applyOutputs = nil }

    override var isAvailable: Bool { applyOutputs != nil }
}

/// The sink node of a leaf tensor: adds the incoming gradient into the leaf's `grad`.
public final class AccumulateGrad: GradFn {
    /// The leaf (weak: the leaf owns this node, not the other way round).
    public private(set) weak var variable: Tensor?

    init(variable: Tensor) {
        self.variable = variable
        super.init(name: .accumulateGrad, nextFunctions: [], apply: nil)
    }
}
