import CkptCore

/// The torch interpretation of a pickle: only the globals `torch.load(weights_only=True)` accepts, each
/// handled by ckpt's own code (rebuild functions, OrderedDict, storages by persistent id); nothing is executed.
final class TorchUnpickler: PickleHost {
    /// Loads the storage named by a persistent id. `dtype` is nil for `UntypedStorage`, where `numel` counts bytes.
    typealias StorageLoader = (_ key: String, _ dtype: DType?, _ numel: Int) throws -> TensorStorage

    private let loadStorage: StorageLoader
    /// One storage per key, so views and tied weights share it.
    private(set) var storages: [String: TensorStorage] = [:]

    init(loadStorage: @escaping StorageLoader) {
        self.loadStorage = loadStorage
    }

    /// Runs the pickle at `position` in `bytes` and returns its value and the offset after its STOP.
    /// The value tree may hold at most 1M + 16 × (pickle bytes) nodes (16M at most) once shared references are expanded.
    func load(_ bytes: UnsafeRawBufferPointer, position: Int = 0) throws -> (value: CheckpointValue, end: Int) {
        let arena = PickleArena()
        defer { arena.clear() }
        var machine = PickleMachine(bytes, position: position, host: self, arena: arena)
        let top = try machine.run()
        var budget = min(16_000_000, 1_000_000 + 16 * (machine.position - position))
        return (try top.checkpointValue(budget: &budget), machine.position)
    }

    // MARK: PickleHost

    func global(module: String, name: String) throws -> PickleValue {
        let (m, n) = TorchPickleGlobals.canonical(module: module, name: name)
        guard TorchPickleGlobals.isAllowed(module: m, name: n) else {
            // Names come from the file: keep control characters out of the one-line message.
            let shown = String(String.UnicodeScalarView("\(module).\(name)".unicodeScalars.prefix(200).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
            throw CheckpointError.unsafe("pickle imports global \(shown), which torch.load(weights_only=True) refuses; ckpt never runs it")
        }
        return .global(module: m, name: n)
    }

    func call(_ callable: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue {
        guard case .global(let m, let n) = callable else {
            throw CheckpointError.unsafe("pickle calls a \(callable.typeName), which ckpt refuses")
        }
        let name = m + "." + n
        switch name {
        case "collections.OrderedDict", "collections.Counter":
            let d = arena.node(name == "collections.OrderedDict" ? .orderedDict : .dict)
            if let first = args.first { try TorchUnpickler.fill(d, from: first) }
            return .node(d)
        case "torch._utils._rebuild_tensor":
            try expectArgs(name, args, 4 ... 4)
            return .tensor(try rebuildTensor(args, dtype: nil, requiresGrad: false))
        case "torch._utils._rebuild_tensor_v2":
            try expectArgs(name, args, 6 ... 7)
            return .tensor(try rebuildTensor(args, dtype: nil, requiresGrad: try bool(args[4], name)))
        case "torch._utils._rebuild_tensor_v3":
            try expectArgs(name, args, 7 ... 8)
            guard case .global("torch", let dn) = args[6], let dtype = TorchPickleGlobals.dtypeNames[dn] else {
                throw CheckpointError.unsupported("_rebuild_tensor_v3 with dtype \(args[6].typeName)")
            }
            return .tensor(try rebuildTensor(args, dtype: dtype, requiresGrad: try bool(args[4], name)))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            try expectArgs(name, args, n == "_rebuild_parameter" ? 3 ... 3 : 4 ... 4)
            guard case .tensor(var t) = args[0] else { throw CheckpointError.malformed("\(name) of a \(args[0].typeName), not a tensor") }
            t.requiresGrad = try bool(args[1], name)
            t.isParameter = true
            return .tensor(t)
        case "torch._tensor._rebuild_from_type_v2":
            try expectArgs(name, args, 4 ... 4)
            guard let inner = args[2].tupleItems else { throw CheckpointError.malformed("\(name) arguments are not a tuple") }
            guard case .global(let tm, let tn) = args[1], ["torch.Tensor", "torch.nn.parameter.Parameter"].contains(tm + "." + tn) else {
                throw CheckpointError.unsafe("\(name) with new_type \(args[1].typeName), which ckpt refuses")
            }
            guard case .global("torch._utils", let fn) = args[0], fn.hasPrefix("_rebuild_tensor") || fn.hasPrefix("_rebuild_parameter") else {
                throw CheckpointError.unsafe("\(name) of \(args[0].typeName), which ckpt refuses")
            }
            // The state (Python attributes on the tensor) has no place in a TensorEntry and is left out.
            let rebuilt = try call(args[0], args: inner, arena: arena)
            if tn == "Parameter", case .tensor(var t) = rebuilt {
                t.isParameter = true
                return .tensor(t)
            }
            return rebuilt
        case "_codecs.encode":
            guard args.count == 2, let text = args[0].string, let enc = args[1].string, ["latin1", "latin-1"].contains(enc) else {
                throw CheckpointError.unsafe("_codecs.encode with arguments other than (str, 'latin1')")
            }
            var out: [UInt8] = []
            for u in text.unicodeScalars {
                guard u.value < 256 else { throw CheckpointError.malformed("_codecs.encode: character beyond latin1") }
                out.append(UInt8(u.value))
            }
            return .bytes(out)
        case "builtins.bytearray":
            if args.isEmpty { return .bytes([]) }
            if args.count == 1, case .bytes(let b) = args[0] { return .bytes(b) }
            return .node(arena.node(.call(name), items: args))
        case "builtins.set":
            let s = arena.node(.set)
            if let first = args.first {
                guard let n = first.node, [.list, .tuple, .set, .frozenSet].contains(n.kind) else {
                    throw CheckpointError.malformed("builtins.set of a \(first.typeName)")
                }
                s.items = n.items
            }
            return .node(s)
        default:
            // Allowed globals without meaning for a state dict (torch.Size, torch.device, quantized or sparse
            // rebuilds) stay objects with their arguments.
            return .node(arena.node(.call(name), items: args))
        }
    }

    func newObject(_ cls: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue {
        guard case .global(let m, let n) = cls else { throw CheckpointError.unsafe("pickle NEWOBJ on a \(cls.typeName)") }
        if m == "collections" && n == "OrderedDict" { return .node(arena.node(.orderedDict)) }
        return .node(arena.node(.call(m + "." + n), items: args))
    }

    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue {
        switch object {
        case .node(let n) where n.isDict:
            n.state = state
        case .node(let n):
            guard case .call = n.kind else { throw CheckpointError.unsafe("pickle BUILD on a \(n.kind.name)") }
            n.state = state
        case .tensor:
            break
        default:
            throw CheckpointError.unsafe("pickle BUILD on a \(object.typeName), which ckpt refuses")
        }
        return object
    }

    func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard let pid = id.tupleItems, pid.count == 5 || pid.count == 6, pid[0].string == "storage" else {
            throw CheckpointError.unsafe("pickle persistent id is not a ('storage', …) tuple")
        }
        guard case .global(let sm, let sn) = pid[1] else {
            throw CheckpointError.malformed("persistent id storage type is a \(pid[1].typeName)")
        }
        let dtype = try TorchPickleGlobals.storageDType(module: sm, name: sn)
        guard let key = pid[2].string, let numel = pid[4].int, numel >= 0 else {
            throw CheckpointError.malformed("persistent id needs a string key and a non-negative size")
        }
        let storage: TensorStorage
        if let cached = storages[key] {
            storage = cached
        } else {
            storage = try loadStorage(key, dtype, numel)
            storages[key] = storage
        }
        if pid.count == 6, let view = pid[5].tupleItems {
            return .storage(try legacyView(of: storage, view))
        }
        return .storage(storage)
    }

    // MARK: helpers

    /// Legacy storage views `(view_key, offset, size)` in elements of the root storage (FORMATS.md 2).
    private func legacyView(of root: TensorStorage, _ view: [PickleValue]) throws -> TensorStorage {
        guard view.count == 3, let viewKey = view[0].string, let offset = view[1].int, let size = view[2].int,
              offset >= 0, size >= 0 else {
            throw CheckpointError.malformed("legacy storage view metadata is not (key, offset, size)")
        }
        if let cached = storages[viewKey] { return cached }
        let item = root.dtype.itemSize
        let (start, o1) = offset.multipliedReportingOverflow(by: item)
        let (count, o2) = size.multipliedReportingOverflow(by: item)
        guard !o1, !o2 else { throw CheckpointError.malformed("legacy storage view overflows") }
        let s = TensorStorage(key: viewKey, dtype: root.dtype, bytes: try root.bytes.slice(offset: start, count: count), byteOrder: root.byteOrder)
        storages[viewKey] = s
        return s
    }

    private func rebuildTensor(_ args: [PickleValue], dtype: DType?, requiresGrad: Bool) throws -> TensorEntry {
        guard case .storage(let storage) = args[0] else {
            throw CheckpointError.malformed("tensor rebuild from a \(args[0].typeName), not a storage")
        }
        guard let offset = args[1].int else { throw CheckpointError.malformed("tensor storage offset is a \(args[1].typeName)") }
        let shape = try ints(args[2], "size"), strides = try ints(args[3], "stride")
        // The optional metadata argument (v2: 7th, v3: 8th) carries the conjugate / negative bits: the stored
        // values are not the tensor's values then, and ckpt has no place for the bits, so it refuses rather than mislead.
        let metadataIndex = dtype == nil ? 6 : 7
        if args.count > metadataIndex, let meta = args[metadataIndex].node, meta.isDict {
            for bit in ["conj", "neg"] where meta.entries[.string(bit)].flatMap({ if case .bool(true) = $0 { return true } else { return nil } }) == true {
                throw CheckpointError.unsupported("a tensor with the lazy \(bit) bit set (torch.\(bit)_physical() it before saving)")
            }
        }
        return try TensorEntry(dtype: dtype ?? storage.dtype, shape: shape, strides: strides, storageOffset: offset,
                               storage: storage, requiresGrad: requiresGrad)
    }

    private func ints(_ v: PickleValue, _ what: String) throws -> [Int] {
        let items: [PickleValue]
        if let t = v.tupleItems { items = t } else if let n = v.node, n.kind == .list || n.kind == .call("torch.Size") {
            items = n.kind == .list ? n.items : (n.items.first?.tupleItems ?? [])
        } else {
            throw CheckpointError.malformed("tensor \(what) is a \(v.typeName), not a tuple")
        }
        guard items.count <= TensorEntry.maxRank else { throw CheckpointError.malformed("tensor \(what) has rank \(items.count)") }
        return try items.map {
            guard case .int(let i) = $0 else { throw CheckpointError.malformed("tensor \(what) holds a \($0.typeName)") }
            return i
        }
    }

    private func bool(_ v: PickleValue, _ name: String) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        default: throw CheckpointError.malformed("\(name): requires_grad is a \(v.typeName)")
        }
    }

    private func expectArgs(_ name: String, _ args: [PickleValue], _ range: ClosedRange<Int>) throws {
        guard range.contains(args.count) else {
            throw CheckpointError.malformed("\(name) called with \(args.count) arguments, expected \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)")")
        }
    }

    /// `OrderedDict(pairs)` / `OrderedDict(dict)`.
    private static func fill(_ d: PickleNode, from v: PickleValue) throws {
        guard let src = v.node else { throw CheckpointError.malformed("OrderedDict of a \(v.typeName)") }
        if src.isDict {
            for (k, x) in src.entries { d.entries[k] = x }
            return
        }
        for pair in src.items {
            guard let kv = pair.tupleItems ?? (pair.node?.isList == true ? pair.node?.items : nil), kv.count == 2 else {
                throw CheckpointError.malformed("OrderedDict item is not a pair")
            }
            d.entries[try kv[0].dictKey()] = kv[1]
        }
    }
}
