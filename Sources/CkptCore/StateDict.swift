import OrderedCollections

/// A checkpoint's contents: the whole value tree as the file holds it, with flattened views of its tensors
/// (dotted keys, file order) and of its non-tensor leaves.
public struct StateDict: Sendable {
    /// The top-level value (usually a dict).
    public var root: CheckpointValue
    /// Format-level string metadata: safetensors `__metadata__`, HDF5 root attributes, Keras versions.
    public var attributes: OrderedDictionary<String, String>
    /// Typed key/values a file's header holds beside its tensors (GGUF's metadata). Reported by `inspect` with
    /// the metadata, but not state_dict entries: writers do not write them (a GGUF converted to `.pt` loads as
    /// a plain `{name: tensor}` state_dict).
    public var fileMetadata: OrderedDictionary<String, CheckpointValue>
    /// What a reader noticed but read anyway (a torch zip torch.load would refuse), one line each.
    public var warnings: [String]
    /// The keys the file itself records as buffers rather than parameters (a TorchScript archive's `__buffers__`),
    /// every other tensor being a parameter; nil when the file does not say, and `count` goes by names and dtypes.
    public var bufferKeys: Set<String>?

    public init(root: CheckpointValue, attributes: OrderedDictionary<String, String> = [:]) {
        self.root = root
        self.attributes = attributes
        self.fileMetadata = [:]
        self.warnings = []
    }

    /// A flat state_dict of tensors in the given order.
    public init(tensors: OrderedDictionary<String, TensorEntry>, attributes: OrderedDictionary<String, String> = [:]) {
        var d = CheckpointDict(isOrdered: true)
        for (k, v) in tensors { d.items[.string(k)] = .tensor(v) }
        self.init(root: .dict(d), attributes: attributes)
    }

    /// Every tensor, by dotted key, in file order. Nested dicts join with `.`; lists and tuples holding
    /// tensors or dicts are indexed (`param_groups.0.lr`).
    public var tensors: OrderedDictionary<String, TensorEntry> {
        var out = OrderedDictionary<String, TensorEntry>()
        StateDict.walk(root, prefix: "") { key, value in
            if case .tensor(let t) = value, out[key] == nil { out[key] = t }
        }
        return out
    }

    /// Every non-tensor leaf (ints, floats, strings, None, lists of scalars), by dotted key, in file order.
    public var metadata: OrderedDictionary<String, CheckpointValue> {
        var out = OrderedDictionary<String, CheckpointValue>()
        StateDict.walk(root, prefix: "") { key, value in
            if case .tensor = value { return }
            if out[key] == nil { out[key] = value }
        }
        return out
    }

    /// Visits leaves depth-first in order; `key` is the dotted path ("" for a non-container root).
    public static func walk(_ value: CheckpointValue, prefix: String, _ visit: (String, CheckpointValue) -> Void) {
        func join(_ k: String) -> String { prefix.isEmpty ? k : prefix + "." + k }
        switch value {
        case .dict(let d):
            for (k, v) in d.items { walk(v, prefix: join(k.description), visit) }
        case .list(let xs) where value.containsTensorsOrDicts, .tuple(let xs) where value.containsTensorsOrDicts:
            for (i, v) in xs.enumerated() { walk(v, prefix: join(String(i)), visit) }
        default:
            visit(prefix, value)
        }
    }

    /// The sub-tree at a dotted path (`FILE#ENTRY`): `model`, `optimizer.state`. Dict keys containing dots
    /// are matched greedily (the longest key that is a prefix of the remaining path).
    public func entry(_ path: String) throws -> StateDict {
        var node = root
        var rest = Substring(path)
        while !rest.isEmpty {
            switch node {
            case .dict(let d):
                let match = d.items.keys.map(\.description)
                    .filter { rest == $0 || rest.hasPrefix($0 + ".") }
                    .max { $0.count < $1.count }
                guard let k = match, let key = d.items.keys.first(where: { $0.description == k }),
                      let next = d.items[key] else {
                    throw CheckpointError.notFound("no entry '\(path)' (keys here: \(d.items.keys.prefix(8).map(\.description).joined(separator: ", ")))")
                }
                node = next
                rest = rest.dropFirst(min(rest.count, k.count + 1))
            case .list(let xs), .tuple(let xs):
                let head = rest.prefix { $0 != "." }
                guard let i = Int(head), xs.indices.contains(i) else { throw CheckpointError.notFound("no entry '\(path)'") }
                node = xs[i]
                rest = rest.dropFirst(min(rest.count, head.count + 1))
            default:
                throw CheckpointError.notFound("no entry '\(path)': '\(path.dropLast(rest.count))' is not a container")
            }
        }
        var sub = StateDict(root: node, attributes: attributes)
        sub.fileMetadata = fileMetadata
        sub.warnings = warnings
        sub.bufferKeys = bufferKeys.map { keys in
            Set(keys.compactMap { $0 == path ? "" : $0.hasPrefix(path + ".") ? String($0.dropFirst(path.count + 1)) : nil })
        }
        return sub
    }

    /// A copy with every tensor replaced by `transform(key, tensor)`, keeping the tree and order.
    public func mapTensors(_ transform: (String, TensorEntry) throws -> TensorEntry) rethrows -> StateDict {
        func map(_ v: CheckpointValue, _ prefix: String) throws -> CheckpointValue {
            func join(_ k: String) -> String { prefix.isEmpty ? k : prefix + "." + k }
            switch v {
            case .tensor(let t): return .tensor(try transform(prefix, t))
            case .dict(var d):
                for (k, x) in d.items { d.items[k] = try map(x, join(k.description)) }
                return .dict(d)
            case .list(let xs) where v.containsTensorsOrDicts:
                return .list(try xs.enumerated().map { try map($1, join(String($0))) })
            case .tuple(let xs) where v.containsTensorsOrDicts:
                return .tuple(try xs.enumerated().map { try map($1, join(String($0))) })
            default: return v
            }
        }
        var mapped = StateDict(root: try map(root, ""), attributes: attributes)
        mapped.fileMetadata = fileMetadata
        mapped.warnings = warnings
        mapped.bufferKeys = bufferKeys
        return mapped
    }

    /// For each key, the first earlier key whose tensor shares memory with it (tied weights, views).
    public var sharedWith: [String: String] { tensors.sharedWith }
}

extension OrderedDictionary where Key == String, Value == TensorEntry {
    /// For each key, the first earlier key whose tensor shares memory with it (tied weights, views).
    public var sharedWith: [String: String] {
        var out: [String: String] = [:]
        var seen: [ObjectIdentifier: [(String, TensorEntry)]] = [:]
        for (k, t) in self {
            let id = ObjectIdentifier(t.storage)
            if let first = seen[id, default: []].first(where: { $0.1.sharesMemory(with: t) }) { out[k] = first.0 }
            seen[id, default: []].append((k, t))
        }
        return out
    }
}
