import CkptCore

/// A value on the pickle machine's stack. Containers are reference objects because pickle mutates them
/// after they are memoized (`}` q0 … SETITEMS); the machine tears them down iteratively when it finishes,
/// so hostile nesting cannot overflow the stack on deallocation.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case bigInt(String)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// An imported global, not yet called (`torch.float16`, `collections.OrderedDict`).
    case global(module: String, name: String)
    /// Tuples, lists, sets, dicts and calls that stay opaque objects.
    case node(PickleNode)
    /// A tensor rebuilt by the host.
    case tensor(TensorEntry)
    /// A storage loaded by persistent id, before a rebuild function wraps it in a tensor.
    case storage(TensorStorage)

    var node: PickleNode? { if case .node(let n) = self { return n } else { return nil } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var int: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
    /// The elements of a tuple (not of a list).
    var tupleItems: [PickleValue]? {
        if case .node(let n) = self, n.kind == .tuple { return n.items }
        return nil
    }

    /// A short name for error messages (`tuple`, `str`, `torch.FloatStorage`).
    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .global(let m, let n): return m + "." + n
        case .node(let n): return n.kind.name
        case .tensor: return "Tensor"
        case .storage: return "storage"
        }
    }
}

extension PickleValue {
    /// The dict key for a value: strings and ints as themselves, other hashable scalars and tuples of them by repr.
    func dictKey(depth: Int = 0) throws -> CheckpointDict.Key {
        guard depth < 32 else { throw CheckpointError.malformed("pickle dict key nests deeper than 32 tuples") }
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .other(b ? "True" : "False")
        case .bigInt(let s): return .other(s)
        case .float(let d): return .other(CheckpointValue.pythonFloat(d))
        case .none: return .other("None")
        case .bytes(let b): return .other(CheckpointValue.bytes(b).description)
        case .global(let m, let n): return .other(m + "." + n)
        case .node(let n) where n.kind == .tuple:
            return .other("(" + (try n.items.map { try $0.dictKey(depth: depth + 1).description }).joined(separator: ", ") + (n.items.count == 1 ? ",)" : ")"))
        case .node(let n):
            // An object (`torch.Size((2,))`, DCP's `MetadataIndex`): named by its class, arguments and state, which
            // must be keys themselves; the dict keeps the object beside its entry (`PickleNode.keyObjects`).
            guard case .call(let name) = n.kind else { break }
            var parts = try n.items.map { try $0.dictKey(depth: depth + 1).description }
            if let state = n.state?.node, state.isDict {
                parts += try state.entries.map { "\($0.key)=\(try $0.value.dictKey(depth: depth + 1))" }
            } else if let state = n.state {
                parts.append(try state.dictKey(depth: depth + 1).description)
            }
            return .other(name + "(" + parts.joined(separator: ", ") + ")")
        default:
            break
        }
        throw CheckpointError.malformed("pickle uses an unhashable \(typeName) as a dict key")
    }
}
