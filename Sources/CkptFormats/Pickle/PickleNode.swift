import CkptCore
import OrderedCollections

/// A container or an opaque call result on the pickle machine.
final class PickleNode {
    enum Kind: Equatable {
        case tuple, list, set, frozenSet, dict, orderedDict
        /// The result of calling an allowed global the host keeps as an object (`torch.Size`, `torch.device`).
        case call(String)

        var name: String {
            switch self {
            case .tuple: return "tuple"
            case .list: return "list"
            case .set: return "set"
            case .frozenSet: return "frozenset"
            case .dict: return "dict"
            case .orderedDict: return "collections.OrderedDict"
            case .call(let n): return n
            }
        }
    }

    let kind: Kind
    /// Elements of a tuple, list or set, or a call's arguments.
    var items: [PickleValue]
    /// A dict's entries in insertion order; a repeated key replaces the value in place, as in Python.
    var entries: OrderedDictionary<CheckpointDict.Key, PickleValue> = [:]
    /// The state BUILD set on a dict or an object.
    var state: PickleValue?
    /// A dict's keys that are objects (DCP's `MetadataIndex`), by the key their entry is stored under.
    var keyObjects: [CheckpointDict.Key: PickleNode] = [:]

    init(_ kind: Kind, items: [PickleValue] = []) {
        self.kind = kind
        self.items = items
    }

    var isDict: Bool { kind == .dict || kind == .orderedDict }
    var isList: Bool { kind == .list }

    /// Drops references to children so that tearing down a deep graph does not recurse.
    func clear() {
        items = []
        entries = [:]
        state = nil
        keyObjects = [:]
    }
}
