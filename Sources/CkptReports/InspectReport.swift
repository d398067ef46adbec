import CkptCore
import OrderedCollections

/// What `ckpt inspect` reports: one row per tensor in file order, metadata, and totals. The JSON form is
/// CLI.md's inspect document. Built from tensor metadata only; bytes are read only for `stats`.
public struct InspectReport: Encodable, Sendable {
    /// One tensor row.
    public struct Row: Encodable, Sendable {
        public var key: String
        public var dtype: String
        public var shape: [Int]
        public var numel: Int
        public var bytes: Int
        /// The first earlier key whose tensor shares this one's storage region.
        public var sharedWith: String?
        public var stats: TensorStats?
        /// The histogram of the finite values (with `stats`, when asked for: `ckpt report`).
        public var histogram: TensorHistogram?

        enum CodingKeys: String, CodingKey {
            case key, dtype, shape, numel, bytes, stats, histogram
            case sharedWith = "shared_with"
        }
    }

    /// Totals for one dtype (footer).
    public struct DTypeTotal: Encodable, Sendable, Equatable {
        public var tensors: Int
        public var numel: Int
        public var bytes: Int
    }

    /// A pickle global the file imports, for `--globals`.
    public struct Global: Encodable, Sendable, Equatable {
        public var name: String
        public var allowed: Bool
        public init(name: String, allowed: Bool) { self.name = name; self.allowed = allowed }
    }

    public var file: String
    public var format: String
    public var tensors: [Row]
    @JSONObject public var metadata: OrderedDictionary<String, InspectValue>
    /// The same metadata as Python would print each value (`(0.9, 0.999)`, `'adam'`), for text output.
    public var metadataText: OrderedDictionary<String, String>
    public var totalNumel: Int
    public var uniqueNumel: Int
    public var totalBytes: Int
    public var uniqueBytes: Int
    @JSONObject public var byDtype: OrderedDictionary<String, DTypeTotal>
    /// The module tree with subtotals, when asked for (`--tree`).
    public var tree: InspectTree?
    /// The pickle globals, when asked for (`--globals`).
    public var globals: [Global]?
    /// Why the tensors are not listed (a file `--globals` describes but the restricted reader refuses).
    public var error: String?
    /// Pickle opcodes `torch.load(weights_only=True)` would refuse (with `globals`).
    public var refusedOpcodes: [String]?
    /// Whether `torch.load(weights_only=True)` would accept the file (with `globals`).
    public var weightsOnly: Bool?
    /// What the reader noticed but read anyway (a torch zip torch.load would refuse).
    @OmittedWhenEmpty public var warnings: [String] = []

    enum CodingKeys: String, CodingKey {
        case file, format, tensors, metadata, tree, globals, error
        case totalNumel = "total_numel", uniqueNumel = "unique_numel", totalBytes = "total_bytes"
        case uniqueBytes = "unique_bytes", byDtype = "by_dtype", weightsOnly = "weights_only"
        case refusedOpcodes = "refused_opcodes", warnings
    }

    /// Builds the report for `stateDict` read from `file` in `format` (a format id such as `torch-zip`).
    /// - Parameters:
    ///   - filter: keep only keys matching this glob (totals are over the kept keys).
    ///   - stats: compute `TensorStats` for each kept tensor (reads its bytes); `progress` is told the bytes done.
    ///   - histograms: with `stats`, also each tensor's `TensorHistogram`, from the same pass over its values.
    public init(file: String, format: String, stateDict: StateDict, filter: KeyGlob? = nil, stats: Bool = false,
                histograms: Bool = false, progress: ((Int) -> Void)? = nil) throws {
        self.file = file
        self.format = format
        let shared = stateDict.sharedWith
        var rows: [Row] = []
        for (key, t) in stateDict.tensors where filter?.matches(key) ?? true {
            var row = Row(key: key, dtype: t.storedDTypeName, shape: t.shape, numel: t.numel, bytes: t.storedByteCount,
                          sharedWith: shared[key])
            if stats {
                do {
                    (row.stats, row.histogram) = try TensorStats.summarize(t, histogram: histograms)
                } catch let e as CheckpointError {
                    throw CheckpointError.malformed("\(key): \(e.description)")
                }
                progress?(t.byteCount)
            }
            rows.append(row)
        }
        tensors = rows
        var meta = OrderedDictionary<String, InspectValue>()
        var text = OrderedDictionary<String, String>()
        for (k, v) in stateDict.attributes { meta[k] = .string(v); text[k] = v }
        for (k, v) in stateDict.fileMetadata { meta[k] = InspectValue(v); text[k] = v.description }
        for (k, v) in stateDict.metadata where filter?.matches(k) ?? true {
            let key = k.isEmpty ? "value" : k
            meta[key] = InspectValue(v)
            text[key] = v.description
        }
        metadata = meta
        metadataText = text
        warnings = stateDict.warnings
        totalNumel = rows.reduce(0) { $0 + $1.numel }
        totalBytes = rows.reduce(0) { $0 + $1.bytes }
        uniqueNumel = rows.reduce(0) { $0 + ($1.sharedWith == nil ? $1.numel : 0) }
        uniqueBytes = rows.reduce(0) { $0 + ($1.sharedWith == nil ? $1.bytes : 0) }
        var byDtype = OrderedDictionary<String, DTypeTotal>()
        for r in rows {
            var d = byDtype[r.dtype] ?? DTypeTotal(tensors: 0, numel: 0, bytes: 0)
            d.tensors += 1; d.numel += r.numel; d.bytes += r.bytes
            byDtype[r.dtype] = d
        }
        self.byDtype = byDtype
    }
}
