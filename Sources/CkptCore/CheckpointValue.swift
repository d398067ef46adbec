import OrderedCollections

/// Any value a checkpoint can hold: tensors, Python scalars and containers, and named objects
/// (`torch.Size`, `torch.float16`, `torch.device`) — kept whole so that nothing is dropped on the way through.
public indirect enum CheckpointValue: Sendable {
    case tensor(TensorEntry)
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond Int64, as its decimal digits.
    case bigInt(String)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([CheckpointValue])
    case tuple([CheckpointValue])
    case set([CheckpointValue])
    case dict(CheckpointDict)
    /// A global (`torch.float16`) or a call of one (`torch.device('cpu')`, `torch.Size((2, 3))`): its dotted name and arguments.
    case object(String, [CheckpointValue])

    /// The tensor, if this is one.
    public var tensor: TensorEntry? { if case .tensor(let t) = self { return t } else { return nil } }
    /// The dictionary, if this is one.
    public var dict: CheckpointDict? { if case .dict(let d) = self { return d } else { return nil } }

    /// True when a tensor or a dict occurs anywhere below (such lists are flattened by index).
    public var containsTensorsOrDicts: Bool {
        switch self {
        case .tensor, .dict: return true
        case .list(let xs), .tuple(let xs), .set(let xs): return xs.contains { $0.containsTensorsOrDicts }
        default: return false
        }
    }
}

/// A dict or OrderedDict, in insertion order, with PyTorch's `_metadata` (set through BUILD) kept aside.
public struct CheckpointDict: Sendable {
    /// A dict key: Python dicts in checkpoints use strings, and ints for optimizer state.
    public enum Key: Hashable, Sendable, CustomStringConvertible {
        case string(String)
        case int(Int)
        /// Any other hashable key (a tuple, a float), by its Python repr.
        case other(String)
        public var description: String {
            switch self {
            case .string(let s): return s
            case .int(let i): return String(i)
            case .other(let s): return s
            }
        }
    }

    public var items: OrderedDictionary<Key, CheckpointValue>
    /// `collections.OrderedDict` (what `state_dict()` returns) rather than a plain `dict`.
    public var isOrdered: Bool
    /// State set on the dict by pickle BUILD (`{'_metadata': OrderedDict(...)}` on a state_dict), if any.
    public var state: CheckpointValue?

    public init(items: OrderedDictionary<Key, CheckpointValue> = [:], isOrdered: Bool = true, state: CheckpointValue? = nil) {
        self.items = items
        self.isOrdered = isOrdered
        self.state = state
    }

    public subscript(key: String) -> CheckpointValue? {
        get { items[.string(key)] }
        set { items[.string(key)] = newValue }
    }
}
