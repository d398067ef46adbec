import CkptCore

/// What a DCP `.metadata` says (FORMATS-MORE.md 3.2): every flattened key in order, a tensor's dtype, global size
/// and chunks or a non-tensor item; the path that restores nesting (`planner_data`); where each chunk or item is
/// stored (`storage_data`: file, offset and length of one `torch.save` zip).
struct DCPMetadata {
    struct Chunk: Sendable, Hashable {
        var offsets: [Int]
        var sizes: [Int]
    }

    enum Item {
        case tensor(dtype: DType, size: [Int], chunks: [Chunk])
        case bytes
    }

    /// One part of a planner path: a dict key or a list index.
    enum PathPart: Equatable {
        case key(String)
        case index(Int)
    }

    struct StorageKey: Hashable {
        var fqn: String
        /// The chunk's offsets; nil for a non-tensor item.
        var offsets: [Int]?
    }

    struct Storage: Sendable {
        var relativePath: String
        var offset: Int
        var length: Int
        var transforms: [String]
    }

    var items: [(fqn: String, item: Item)] = []
    var paths: [String: [PathPart]] = [:]
    var storage: [StorageKey: Storage] = [:]

    /// Most chunks one tensor may have.
    static let maxChunks = 1 << 20

    static let module = "torch.distributed.checkpoint.metadata."

    /// Reads the unpickled `Metadata` object.
    init(_ root: PickleValue) throws {
        let fields = try Self.fields(root, "Metadata")
        guard let sdm = fields["state_dict_metadata"]?.node, sdm.isDict else { throw Self.bad("has no state_dict_metadata") }
        for (key, value) in sdm.entries {
            guard case .string(let fqn) = key else { throw Self.bad("has a non-string key \(key)") }
            items.append((fqn, try Self.item(value, fqn)))
        }
        if let planner = fields["planner_data"]?.node, planner.isDict {
            for (key, value) in planner.entries {
                guard case .string(let fqn) = key, let parts = value.tupleItems ?? (value.node?.isList == true ? value.node?.items : nil) else {
                    throw Self.bad("planner_data entry \(key) is not a path tuple")
                }
                paths[fqn] = try parts.map {
                    switch $0 {
                    case .string(let s): return .key(s)
                    case .int(let i) where i >= 0: return .index(i)
                    default: throw Self.bad("planner_data path of '\(fqn)' holds a \($0.typeName)")
                    }
                }
            }
        }
        guard let storageData = fields["storage_data"]?.node, storageData.isDict else { throw Self.bad("has no storage_data") }
        for (key, value) in storageData.entries {
            guard let index = storageData.keyObjects[key] else { throw Self.bad("storage_data key \(key) is not a MetadataIndex") }
            let indexFields = try Self.fields(.node(index), "MetadataIndex")
            guard let fqn = indexFields["fqn"]?.string else { throw Self.bad("MetadataIndex without an fqn") }
            let offsets: [Int]?
            // A None offset (non-tensor items) is left out of the pickled state.
            if let o = indexFields["offset"], o.typeName != "None" {
                offsets = try Self.ints(o, "offset of '\(fqn)'")
            } else {
                offsets = nil
            }
            let info = try Self.fields(value, "_StorageInfo")
            guard let path = info["relative_path"]?.string, let offset = info["offset"]?.int, let length = info["length"]?.int,
                  offset >= 0, length >= 0 else {
                throw Self.bad("storage of '\(fqn)' has no relative_path, offset or length")
            }
            var transforms: [String] = []
            if let t = info["transform_descriptors"], let list = t.node?.items ?? t.tupleItems {
                transforms = list.map { $0.string ?? $0.typeName }
            }
            storage[StorageKey(fqn: fqn, offsets: offsets)] = Storage(relativePath: path, offset: offset, length: length, transforms: transforms)
        }
    }

    private static func item(_ value: PickleValue, _ fqn: String) throws -> Item {
        guard let node = value.node, case .call(let name) = node.kind else { throw bad("'\(fqn)' is a \(value.typeName)") }
        if name.hasSuffix(".BytesStorageMetadata") { return .bytes }
        let fields = try fields(value, "TensorStorageMetadata")
        let size = try ints(fields["size"], "size of '\(fqn)'")
        guard let properties = fields["properties"]?.node, case .call(let p) = properties.kind, p.hasSuffix(".TensorProperties") else {
            throw bad("'\(fqn)' has no TensorProperties")
        }
        // torch 2.15 pickles TensorProperties' state as a tuple (dtype, layout, requires_grad, memory_format,
        // pin_memory, strides); older versions as a dataclass dict.
        let dtypeValue: PickleValue?
        if let state = properties.state?.tupleItems { dtypeValue = state.first } else { dtypeValue = properties.state?.node?.entries[.string("dtype")] }
        guard case .global("torch", let dtypeName)? = dtypeValue else { throw bad("'\(fqn)' has no dtype") }
        guard let dtype = TorchPickleGlobals.dtypeNames[dtypeName] else {
            throw CheckpointError.unsupported("DCP tensor '\(fqn)' has dtype torch.\(dtypeName), which ckpt does not read")
        }
        guard let list = fields["chunks"]?.node, list.isList, list.items.count <= maxChunks else { throw bad("'\(fqn)' has no chunk list") }
        let chunks = try list.items.map { c -> Chunk in
            let f = try Self.fields(c, "ChunkStorageMetadata")
            let chunk = Chunk(offsets: try ints(f["offsets"], "chunk offsets of '\(fqn)'"), sizes: try ints(f["sizes"], "chunk sizes of '\(fqn)'"))
            guard chunk.offsets.count == size.count, chunk.sizes.count == size.count else {
                throw bad("a chunk of '\(fqn)' has rank \(chunk.sizes.count), the tensor \(size.count)")
            }
            return chunk
        }
        return .tensor(dtype: dtype, size: size, chunks: chunks)
    }

    /// The BUILD dict of a DCP object whose class name ends with `cls`.
    private static func fields(_ value: PickleValue, _ cls: String) throws -> [String: PickleValue] {
        guard let node = value.node, case .call(let name) = node.kind, name.hasSuffix("." + cls) else {
            throw bad("holds a \(value.typeName) where a \(cls) belongs")
        }
        guard let state = node.state?.node, state.isDict else { throw bad("\(cls) has no fields") }
        var out: [String: PickleValue] = [:]
        for (k, v) in state.entries { if case .string(let s) = k { out[s] = v } }
        return out
    }

    /// A `torch.Size` (or a tuple) of non-negative ints.
    private static func ints(_ value: PickleValue?, _ what: String) throws -> [Int] {
        var items = value?.tupleItems
        if let node = value?.node, node.kind == .call("torch.Size") { items = node.items.first?.tupleItems ?? (node.items.isEmpty ? [] : nil) }
        guard let items, items.count <= TensorEntry.maxRank else { throw bad("\(what) is not a size") }
        return try items.map {
            guard case .int(let i) = $0, i >= 0 else { throw bad("\(what) holds \($0.typeName == "int" ? "a negative int" : "a \($0.typeName)")") }
            return i
        }
    }

    private static func bad(_ what: String) -> CheckpointError { .malformed("DCP .metadata \(what)") }
}
