import CkptCore

/// Writes a `CheckpointValue` tree as the `data.pkl` `torch.save` would write, protocol 2 only, and collects
/// the storages it refers to: one record per storage, numbered in first-use order, shared by every tensor
/// that views it (tied weights, views), each tensor keeping its own offset and strides.
struct TorchPickler {
    /// A storage record to write as `data/<key>`.
    struct Record {
        var key: String
        var storage: TensorStorage
        /// The dtype the record is written in (a storage viewed as two dtypes is written once per dtype).
        var dtype: DType
        /// Bytes written: whole elements of `dtype`.
        var byteCount: Int

        /// Calls `body` with the record's little-endian bytes: straight from the source when it is little-endian
        /// (a mapped file region is not copied), else a byte-swapped copy.
        func withLittleEndianBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
            try storage.bytes.withUnsafeBytes { all in
                let raw = UnsafeRawBufferPointer(rebasing: all[0 ..< byteCount])
                guard storage.byteOrder == .big else { return try body(raw) }
                var copy = Array(raw)
                TensorEntry.swapBytes(&copy, itemSize: dtype.isComplex ? dtype.itemSize / 2 : dtype.itemSize)
                return try copy.withUnsafeBytes(body)
            }
        }
    }

    private(set) var records: [Record] = []
    private var keys: [StorageID: Int] = [:]
    private var encoder = PickleEncoder()

    private struct StorageID: Hashable {
        var storage: ObjectIdentifier
        var dtype: DType
    }

    /// The pickle bytes of `root`; `records` then lists the storages in key order.
    mutating func pickle(_ root: CheckpointValue) throws -> [UInt8] {
        try value(root, depth: 0)
        encoder.stop()
        return encoder.bytes
    }

    private mutating func value(_ v: CheckpointValue, depth: Int) throws {
        guard depth <= PickleValue.maxDepth else { throw CheckpointError.unsupported("value nests deeper than \(PickleValue.maxDepth) levels") }
        switch v {
        case .none: encoder.op(.none)
        case .bool(let b): encoder.bool(b)
        case .int(let i): encoder.int(i)
        case .bigInt(let s): try encoder.bigInt(s)
        case .float(let d): encoder.float(d)
        case .string(let s): encoder.string(s)
        case .bytes(let b):
            // Protocol 2 has no bytes opcode torch accepts: `_codecs.encode(latin1 text, 'latin1')` as Python writes it.
            encoder.global("_codecs", "encode")
            encoder.string(String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })))
            encoder.string("latin1")
            encoder.op(.tuple2)
            encoder.op(.reduce)
        case .list(let xs):
            encoder.op(.emptyList)
            try items(xs, depth: depth)
        case .tuple(let xs):
            if xs.count > 3 { encoder.op(.mark) }
            for x in xs { try value(x, depth: depth + 1) }
            encoder.endTuple(count: xs.count)
        case .set(let xs):
            encoder.global("builtins", "set")
            encoder.op(.emptyList)
            try items(xs, depth: depth)
            encoder.op(.tuple1)
            encoder.op(.reduce)
        case .dict(let d): try dict(d, depth: depth)
        case .object(let name, let args):
            let parts = name.split(separator: ".")
            guard parts.count >= 2, TorchPickleGlobals.isAllowed(module: parts.dropLast().joined(separator: "."), name: String(parts.last ?? "")) else {
                throw CheckpointError.unsupported("cannot write object \(name): torch.load(weights_only=True) would refuse it")
            }
            encoder.global(name)
            if !args.isEmpty {
                if args.count > 3 { encoder.op(.mark) }
                for a in args { try value(a, depth: depth + 1) }
                encoder.endTuple(count: args.count)
                encoder.op(.reduce)
            }
        case .tensor(let t): try tensor(t)
        }
    }

    private mutating func dict(_ d: CheckpointDict, depth: Int) throws {
        if d.isOrdered {
            encoder.global("collections", "OrderedDict")
            encoder.op(.emptyTuple)
            encoder.op(.reduce)
        } else {
            encoder.op(.emptyDict)
        }
        let items = Array(d.items)
        for b in TorchPickler.batches(items.count) {
            begin(b)
            for i in b {
                switch items[i].key {
                case .string(let s), .other(let s): encoder.string(s)
                case .int(let n): encoder.int(n)
                }
                try value(items[i].value, depth: depth + 1)
            }
            end(b, single: .setItem, many: .setItems)
        }
        // `_metadata` and other attributes: BUILD, which weights-only loading allows on an OrderedDict only.
        if d.isOrdered, let state = d.state, case .dict = state {
            try value(state, depth: depth + 1)
            encoder.op(.build)
        }
    }

    /// Items in groups of at most 1000, as Python batches them: a group of one uses APPEND/SETITEM, more use MARK … APPENDS/SETITEMS.
    private static func batches(_ count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: 1000).map { $0 ..< min(count, $0 + 1000) }
    }

    private mutating func begin(_ batch: Range<Int>) { if batch.count > 1 { encoder.op(.mark) } }

    private mutating func end(_ batch: Range<Int>, single: PickleOpcode, many: PickleOpcode) {
        encoder.op(batch.count > 1 ? many : single)
    }

    private mutating func items(_ xs: [CheckpointValue], depth: Int) throws {
        for b in TorchPickler.batches(xs.count) {
            begin(b)
            for i in b { try value(xs[i], depth: depth + 1) }
            end(b, single: .append, many: .appends)
        }
    }

    private mutating func tensor(_ t: TensorEntry) throws {
        guard t.isParameter else { return try plainTensor(t, requiresGrad: t.requiresGrad) }
        // Parameter.__reduce_ex__: _rebuild_parameter(self.data, self.requires_grad, OrderedDict()).
        encoder.global("torch._utils", "_rebuild_parameter")
        try plainTensor(t, requiresGrad: false)
        encoder.bool(t.requiresGrad)
        emptyOrderedDict()
        encoder.op(.tuple3)
        encoder.op(.reduce)
    }

    private mutating func plainTensor(_ t: TensorEntry, requiresGrad: Bool) throws {
        let typed = TorchPickleGlobals.storageName(for: t.dtype)
        encoder.global("torch._utils", typed == nil ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2")
        encoder.op(.mark)
        try persistentID(t, typedStorage: typed)
        encoder.int(t.storageOffset)
        encoder.intTuple(t.shape)
        encoder.intTuple(t.strides)
        encoder.bool(requiresGrad)
        emptyOrderedDict()
        if typed == nil { encoder.global("torch", t.dtype.rawValue) }
        encoder.op(.tuple)
        encoder.op(.reduce)
    }

    private mutating func emptyOrderedDict() {
        encoder.global("collections", "OrderedDict")
        encoder.op(.emptyTuple)
        encoder.op(.reduce)
    }

    /// `('storage', torch.<X>Storage | torch.storage.UntypedStorage, key, 'cpu', numel)` BINPERSID.
    private mutating func persistentID(_ t: TensorEntry, typedStorage: String?) throws {
        let id = StorageID(storage: ObjectIdentifier(t.storage), dtype: t.dtype)
        let item = t.dtype.itemSize
        let index: Int
        if let i = keys[id] {
            index = i
        } else {
            index = records.count
            keys[id] = index
            records.append(Record(key: String(index), storage: t.storage, dtype: t.dtype,
                                  byteCount: t.storage.bytes.count / item * item))
        }
        let record = records[index]
        encoder.tuple(count: 5) { e in
            e.string("storage")
            if let typedStorage { e.global("torch", typedStorage) } else { e.global("torch.storage", "UntypedStorage") }
            e.string(record.key)
            e.string("cpu")
            // Typed storages count elements, UntypedStorage counts bytes (FORMATS.md 1.4).
            e.int(typedStorage == nil ? record.byteCount : record.byteCount / item)
        }
        encoder.op(.binPersId)
    }
}
