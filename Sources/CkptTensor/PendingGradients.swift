/// The gradients a backward pass has delivered to nodes that have not run yet: one per single-output node, one per
/// output of a `MultiOutputGradFn` (nil until one arrives).
///
/// Gradients arriving for the same output are summed, into the running sum's own buffer when nothing else holds it
/// (as PyTorch's `InputBuffer` accumulates in place): a weight read at every step of a sequence gets one buffer
/// for its gradient instead of a new sum per step.
struct PendingGradients {
    private var single: [ObjectIdentifier: Tensor] = [:]
    private var outputs: [ObjectIdentifier: [Tensor?]] = [:]

    /// Adds `g`, the gradient of output `output` of `node`.
    mutating func add(_ g: Tensor, to node: GradFn, output: Int) throws {
        let key = ObjectIdentifier(node)
        if let multi = node as? MultiOutputGradFn {
            precondition(output >= 0 && output < multi.outputCount, "output \(output) of a node with \(multi.outputCount)")
            var slots = outputs.removeValue(forKey: key) ?? Array(repeating: nil, count: multi.outputCount)
            try Self.accumulate(g, into: &slots[output])
            outputs[key] = slots
        } else {
            var slot = single.removeValue(forKey: key)
            try Self.accumulate(g, into: &slot)
            single[key] = slot
        }
    }

    /// The summed gradient of a single-output node, removed (nil when none arrived).
    mutating func take(of node: GradFn) -> Tensor? {
        single.removeValue(forKey: ObjectIdentifier(node))
    }

    /// The gradients of every output of `node`, removed (nil when none arrived at any).
    mutating func takeOutputs(of node: MultiOutputGradFn) -> [Tensor?]? {
        outputs.removeValue(forKey: ObjectIdentifier(node))
    }

    /// `slot = slot + g`: in place when `slot`'s tensor and buffer are referenced from nowhere else (a gradient a
    /// node returned twice, or one the caller passed as a seed, is shared and stays untouched).
    private static func accumulate(_ g: Tensor, into slot: inout Tensor?) throws {
        guard var existing = slot else {
            slot = g
            return
        }
        slot = nil
        if existing.shape == g.shape, isKnownUniquelyReferenced(&existing), isKnownUniquelyReferenced(&existing.buffer) {
            let p = existing.buffer.pointer, q = g.buffer.pointer
            withExtendedLifetime(g) {
                Parallel.forRanges(existing.numel) { r in for i in r { p[i] += q[i] } }
            }
            slot = existing
        } else {
            slot = try existing + g
        }
    }
}
