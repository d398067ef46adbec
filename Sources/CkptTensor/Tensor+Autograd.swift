import CkptCore

/// Autograd: recording ops (`makeResult`), running the graph backward, grad mode.
extension Tensor {
    /// Whether ops record a graph in the current context (false inside `noGrad`).
    public static var isGradEnabled: Bool { EngineContext.isGradEnabledNow }

    /// Runs `body` without recording any graph, as `with torch.no_grad():` (the current `EngineContext` with
    /// `isGradEnabled` false).
    public static func noGrad<R>(_ body: () throws -> R) rethrows -> R {
        try EngineContext.with(gradEnabled: false, body)
    }

    /// Runs `body` with graph recording on (undoes an enclosing `noGrad`).
    public static func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
        try EngineContext.with(gradEnabled: true, body)
    }

    /// The edge an op's node stores for this input: its `gradFn`, its `AccumulateGrad` when it is a
    /// leaf that requires grad, or nil.
    var gradEdge: (GradFn?, Int) {
        if let fn = gradFn { return (fn, outputNr) }
        if requiresGrad { return (accumulateGradNode, 0) }
        return (nil, 0)
    }

    /// The leaf's `AccumulateGrad` node (created once and kept while the leaf lives).
    var accumulateGradNode: AccumulateGrad {
        if let node = accumulator { return node }
        let node = AccumulateGrad(variable: self)
        accumulator = node
        return node
    }

    /// Wraps an op's output and, when grad mode is on and any input requires grad, records its node.
    ///
    /// This is how every differentiable op is written (see `Tensor+Arithmetic.swift` for `add`):
    /// compute the output into a fresh `TensorBuffer`, then call
    /// `Tensor.makeResult(buffer: out, shape: s, inputs: [a, b], name: .addBackward0) { g in [ga, gb] }`.
    /// The closure receives the gradient of the output (same shape, no graph recorded while it runs)
    /// and returns one gradient per input, shaped like that input, in `inputs` order; it may return
    /// nil for an input that does not need one (check `input.requiresGrad`). Capture inputs and
    /// buffers, never the result `Tensor` itself (that would be a reference cycle): to reuse the
    /// output, capture `out` (the buffer) and wrap it with `Tensor(buffer:shape:)`. Never capture a
    /// raw `pointer` taken outside the closure: only the `TensorBuffer` keeps the memory alive.
    public static func makeResult(buffer: TensorBuffer, shape: [Int], dtype: DType = .float32, inputs: [Tensor],
                                  name: GradFnName, backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        let out = Tensor(buffer: buffer, shape: shape, dtype: dtype)
        guard isGradEnabled, dtype == .float32, inputs.contains(where: { $0.requiresGrad }) else { return out }
        out.requiresGrad = true
        out.gradFn = GradFn(name: name, nextFunctions: inputs.map { $0.gradEdge }, apply: backward)
        return out
    }

    /// `makeResult` with explicit graph edges (one per gradient the closure returns), for ops whose
    /// inputs reach the graph through an intermediate node (linear's `TBackward0`).
    static func makeResult(buffer: TensorBuffer, shape: [Int], inputs: [Tensor], edges: [(GradFn?, Int)],
                           name: GradFnName, backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        let out = Tensor(buffer: buffer, shape: shape)
        guard isGradEnabled, inputs.contains(where: { $0.requiresGrad }) else { return out }
        out.requiresGrad = true
        out.gradFn = GradFn(name: name, nextFunctions: edges, apply: backward)
        return out
    }

    /// A tensor sharing this one's elements, cut from the graph (`requiresGrad` false), as `detach()`.
    public func detach() -> Tensor {
        Tensor(buffer: buffer, shape: shape, dtype: dtype)
    }

    /// Sets `grad` to nil (`set_to_none=True`, PyTorch's default for `zero_grad`).
    public func zeroGrad() { grad = nil }

    /// Computes gradients of this tensor with respect to every leaf that requires grad and adds them
    /// into those leaves' `grad` (they accumulate across calls until zeroed).
    ///
    /// - Parameters:
    ///   - gradient: the seed, shaped like this tensor; optional for one-element tensors (then 1).
    ///   - retainGraph: keep the graph so `backward` can run through it again.
    /// - Throws: `TensorError.autograd` when nothing requires grad, when a non-scalar has no seed, or
    ///   when the graph was already freed by an earlier `backward`.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else {
            throw TensorError.autograd("element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError.shapeMismatch("Mismatch in shape: grad_output[0] has a shape of \(gradient.shape) and output[0] has a shape of \(shape)")
            }
            seed = gradient
        } else {
            guard numel == 1 else { throw TensorError.autograd("grad can be implicitly created only for scalar outputs") }
            seed = Tensor.ones(shape)
        }
        let root: GradFn = gradFn ?? accumulateGradNode
        try Tensor.noGrad { try Tensor.runBackward(from: root, output: gradFn == nil ? 0 : outputNr, seed: seed, retainGraph: retainGraph) }
    }

    /// Nodes reachable from `root`, each after every node that feeds it a gradient.
    static func topologicalOrder(from root: GradFn) -> [GradFn] {
        // Iterative post-order DFS: deep graphs (long RNN unrolls) must not overflow the stack.
        var order: [GradFn] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradFn, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.nextFunctions.count {
                stack.append((node, next + 1))
                if let child = node.nextFunctions[next].0, visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order.reversed()
    }

    private static func runBackward(from root: GradFn, output rootOutput: Int, seed: Tensor, retainGraph: Bool) throws {
        var pending = PendingGradients()
        try pending.add(seed, to: root, output: rootOutput)
        for node in topologicalOrder(from: root) {
            let grads: [Tensor?]
            if let multi = node as? MultiOutputGradFn {
                guard let gs = pending.takeOutputs(of: multi) else { continue }
                guard let apply = multi.applyOutputs else { throw secondBackward(node) }
                grads = try apply(gs)
            } else {
                guard var g = pending.take(of: node) else { continue }
                if let sink = node as? AccumulateGrad {
                    // A gradient nothing else references becomes the leaf's grad without a copy.
                    let owned = isKnownUniquelyReferenced(&g) && isKnownUniquelyReferenced(&g.buffer)
                    try sink.variable?.accumulateGrad(g, owned: owned)
                    continue
                }
                guard let apply = node.apply else { throw secondBackward(node) }
                grads = try apply(g)
            }
            if !retainGraph { node.release() }
            for (i, edge) in node.nextFunctions.enumerated() {
                guard let next = edge.0, i < grads.count, let gi = grads[i] else { continue }
                try pending.add(gi, to: next, output: edge.1)
            }
        }
    }

    private static func secondBackward(_ node: GradFn) -> TensorError {
        TensorError.autograd("Trying to backward through the graph a second time (\(node.name)); pass retainGraph: true the first time")
    }

    /// Adds `g` into `grad` (in place when a gradient already exists). A first gradient is stored without a
    /// copy when its elements are shared with nothing else: `owned` (nothing else references `g` or its
    /// buffer) or freshly summed down from a broadcast shape.
    func accumulateGrad(_ g: Tensor, owned: Bool = false) throws {
        let incoming = g.shape == shape ? g : try g.sumTo(shape)
        guard incoming.shape == shape else {
            throw TensorError.shapeMismatch("gradient of shape \(g.shape) for a leaf of shape \(shape)")
        }
        if let existing = grad, existing.shape == shape {
            let p = existing.buffer.pointer, q = incoming.buffer.pointer
            for i in 0 ..< numel { p[i] += q[i] }
        } else {
            grad = Tensor(buffer: owned || incoming !== g ? incoming.buffer : incoming.buffer.copy(), shape: shape)
        }
    }
}
