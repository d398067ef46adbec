import CkptCore
import OrderedCollections

/// Reads the weights of a `torch.export` `.pt2` archive (torch ≥ 2.8 layout, FORMATS-MORE.md 2.4) as
/// `torch.export.load(f).state_dict` gives them: `data/weights/model_weights_config.json` lists each fqn with
/// its storage record (`data/weights/weight_N`, raw bytes, shared by tied fqns), `is_param` and `tensor_meta`
/// (dtype in `torch._export.serde.schema.ScalarType` numbering, not c10's; sizes, strides, storage offset). The
/// graph (`models/model.json`) is not read. Parameters and buffers come from `is_param`.
public enum TorchExportReader: CheckpointReader {
    /// Largest weights config read (one small JSON record per tensor).
    static let maxConfigSize = 64 << 20

    /// `torch._export.serde.schema.ScalarType` → dtype.
    static let scalarTypes: [Int: DType] = [
        1: .uint8, 2: .int8, 3: .int16, 4: .int32, 5: .int64, 6: .float16, 7: .float32, 8: .float64,
        10: .complex64, 11: .complex128, 12: .bool, 13: .bfloat16, 28: .uint16, 29: .float8_e4m3fn, 30: .float8_e5m2,
        34: .uint32, 35: .uint64,
    ]

    public static func read(_ file: MappedFile) throws -> StateDict {
        let archive = try ZipArchive(file)
        let entries = try TorchZipReader.entries(archive)
        guard let format = entries.first(where: { isArchiveFormat($0.key) }) else {
            throw CheckpointError.malformed("torch.export archive has no archive_format record")
        }
        let dir = String(format.key.dropLast("archive_format".count))
        let configName = dir + "data/weights/model_weights_config.json"
        guard let config = entries[configName] else {
            if entries[dir + "serialized_state_dict.pt"] != nil || entries["serialized_state_dict.pt"] != nil {
                throw CheckpointError.unsupported("a torch.export archive in the layout of torch before 2.8 (serialized_state_dict.pt), which ckpt does not read")
            }
            throw CheckpointError.malformed("torch.export archive has no \(configName)")
        }
        guard config.uncompressedSize <= maxConfigSize else { throw CheckpointError.tooLarge("\(configName) is \(config.uncompressedSize) bytes") }
        let json = try archive.data(config).withUnsafeBytes { try OrderedJSON.parse($0) }
        guard let fqns = json["config"]?.members else { throw CheckpointError.malformed("\(configName) has no \"config\" object") }
        let byteOrder = try TorchZipReader.byteOrder(archive, entries[dir + "byteorder"])
        var storages: [String: TensorStorage] = [:]
        var tensors = OrderedDictionary<String, TensorEntry>()
        var buffers = Set<String>()
        for (fqn, record) in fqns {
            func bad(_ what: String) -> CheckpointError { .malformed("\(configName): '\(fqn)' \(what)") }
            guard let path = record["path_name"]?.string, !path.contains("/"), let meta = record["tensor_meta"] else {
                throw bad("has no path_name or tensor_meta")
            }
            if case .bool(true) = record["use_pickle"] {
                throw CheckpointError.unsupported("\(configName): '\(fqn)' is a pickled tensor subclass, which ckpt does not read")
            }
            guard let code = meta["dtype"]?.int, let dtype = scalarTypes[code] else { throw bad("has dtype \(meta["dtype"]?.int.map(String.init) ?? "?"), which ckpt does not know") }
            guard meta["layout"]?.int ?? 7 == 7 else { throw CheckpointError.unsupported("\(configName): '\(fqn)' is not a strided tensor") }
            let shape = try symInts(meta["sizes"], bad), strides = try symInts(meta["strides"], bad)
            guard let offset = meta["storage_offset"]?["as_int"]?.int else { throw bad("has no storage_offset") }
            if storages[path] == nil {
                guard let entry = entries[dir + "data/weights/" + path] else { throw bad("names \(path), which the archive does not hold") }
                storages[path] = TensorStorage(key: path, dtype: dtype, bytes: try archive.data(entry), byteOrder: byteOrder)
            }
            guard let storage = storages[path] else { throw bad("has no storage") }
            do {
                tensors[fqn] = try TensorEntry(dtype: dtype, shape: shape, strides: strides, storageOffset: offset, storage: storage)
            } catch let e as CheckpointError {
                throw e.prefixed("\(configName): '\(fqn)': ")
            }
            if case .bool(true) = record["is_param"] {} else { buffers.insert(fqn) }
        }
        var stateDict = StateDict(tensors: tensors)
        stateDict.bufferKeys = buffers
        return stateDict
    }

    /// `<dir>/archive_format`, the record that marks a `.pt2` archive.
    static func isArchiveFormat(_ name: String) -> Bool {
        name == "archive_format" || name.hasSuffix("/archive_format") && name.split(separator: "/").count == 2
    }

    /// `[{"as_int": 2}, …]` (symbolic sizes, `as_expr`, never describe stored weights).
    private static func symInts(_ value: OrderedJSON?, _ bad: (String) -> CheckpointError) throws -> [Int] {
        guard let items = value?.array, items.count <= TensorEntry.maxRank else { throw bad("has no sizes or strides list") }
        return try items.map {
            guard let i = $0["as_int"]?.int else { throw bad("has a symbolic size or stride") }
            return i
        }
    }
}
