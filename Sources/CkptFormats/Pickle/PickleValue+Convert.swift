import CkptCore
import OrderedCollections

/// Turning the machine's reference graph into a `CheckpointValue` tree, with limits: shared sub-objects are
/// copied at each use, so a budget on the nodes produced stops "billion laughs" expansion and a depth limit stops cycles.
extension PickleValue {
    /// Deepest nesting accepted in a checkpoint's value tree.
    static let maxDepth = 200

    /// The value as a `CheckpointValue`; `budget` counts down the nodes that may still be produced.
    func checkpointValue(budget: inout Int, depth: Int = 0) throws -> CheckpointValue {
        budget -= 1
        guard budget >= 0 else { throw CheckpointError.tooLarge("pickle expands to too many objects (shared references repeated)") }
        guard depth <= PickleValue.maxDepth else {
            throw CheckpointError.malformed("pickle nests deeper than \(PickleValue.maxDepth) levels (or refers to itself)")
        }
        switch self {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigInt(let s): return .bigInt(s)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .bytes(b)
        case .global(let m, let n): return .object(m + "." + n, [])
        case .tensor(let t): return .tensor(t)
        case .storage(let s):
            // A bare storage (torch.save(t.untyped_storage())): shown as a 1-D tensor over all of it.
            return .tensor(try TensorEntry(dtype: s.dtype, shape: [s.elementCount], storage: s))
        case .node(let n):
            func items() throws -> [CheckpointValue] {
                try n.items.map { try $0.checkpointValue(budget: &budget, depth: depth + 1) }
            }
            switch n.kind {
            case .tuple: return .tuple(try items())
            case .list: return .list(try items())
            case .set, .frozenSet: return .set(try items())
            case .call(let name):
                var args = try items()
                if let state = n.state { args.append(try state.checkpointValue(budget: &budget, depth: depth + 1)) }
                return .object(name, args)
            case .dict, .orderedDict:
                var out = OrderedDictionary<CheckpointDict.Key, CheckpointValue>()
                out.reserveCapacity(n.entries.count)
                for (k, v) in n.entries { out[k] = try v.checkpointValue(budget: &budget, depth: depth + 1) }
                let state = try n.state.map { try $0.checkpointValue(budget: &budget, depth: depth + 1) }
                return .dict(CheckpointDict(items: out, isOrdered: n.kind == .orderedDict, state: state))
            }
        }
    }
}
