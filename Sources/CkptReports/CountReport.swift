import CkptCore
import OrderedCollections

/// Parameter counts as `sum(p.numel() for p in model.parameters())` gives them, from a file alone.
/// Buffers are the ones the file records as buffers (`StateDict.bufferKeys`: TorchScript archives); for other files,
/// tensors named `running_mean`, `running_var` or `num_batches_tracked`, and every tensor that is neither floating
/// nor complex (`position_ids`, masks). Tensors sharing storage with an earlier key count once.
public struct CountReport: Encodable, Sendable, Equatable {
    /// Unique parameter elements.
    public var parameters: Int
    /// Unique buffer elements.
    public var buffers: Int
    /// Every key's numel summed (shared storage counted each time).
    public var total: Int
    /// Elements with shared storage counted once (`parameters + buffers`).
    public var unique: Int
    /// Unique elements (parameters and buffers) by dtype name.
    @JSONObject public var byDtype: OrderedDictionary<String, Int>
    /// Unique parameter elements by module prefix of `depth` components; a tensor at the root is its own prefix.
    @JSONObject public var byPrefix: OrderedDictionary<String, Int>
    /// Number of tensors, and of those that are buffers.
    public var tensors: Int
    public var bufferTensors: Int
    /// What the counts may miss (a model file's modules of unknown classes); omitted from JSON when empty.
    @OmittedWhenEmpty public var notes: [String] = []
    /// The keys counted as buffers, in order (not in the JSON).
    public var bufferKeys: [String] = []

    enum CodingKeys: String, CodingKey {
        case parameters, buffers, total, unique, tensors, notes
        case byDtype = "by_dtype", byPrefix = "by_prefix", bufferTensors = "buffer_tensors"
    }

    init(parameters: Int, buffers: Int, total: Int, unique: Int, byDtype: OrderedDictionary<String, Int>,
         byPrefix: OrderedDictionary<String, Int>, tensors: Int, bufferTensors: Int, bufferKeys: [String]) {
        self.parameters = parameters; self.buffers = buffers; self.total = total; self.unique = unique
        self.byDtype = byDtype; self.byPrefix = byPrefix; self.tensors = tensors; self.bufferTensors = bufferTensors
        self.bufferKeys = bufferKeys
    }

    /// Names of buffers PyTorch's standard layers register.
    public static let bufferNames: Set<String> = ["running_mean", "running_var", "num_batches_tracked"]

    /// True when the tensor at `key` is counted as a buffer.
    public static func isBuffer(key: String, dtype: DType) -> Bool {
        let last = key.split(separator: ".").last.map(String.init) ?? key
        return bufferNames.contains(last) || !(dtype.isFloatingPoint || dtype.isComplex)
    }

    /// The module prefix of `key` with at most `depth` components (`encoder.layers` for depth 2); the key itself
    /// for a tensor registered on the root module.
    public static func prefix(of key: String, depth: Int) -> String {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return key }
        return parts.dropLast().prefix(max(1, depth)).joined(separator: ".")
    }

    /// Counts the tensors of `stateDict` (metadata only; no bytes are read).
    public init(stateDict: StateDict, depth: Int = 1) {
        let shared = stateDict.sharedWith
        parameters = 0; buffers = 0; total = 0; unique = 0; tensors = 0; bufferTensors = 0
        byDtype = [:]; byPrefix = [:]
        for (key, t) in stateDict.tensors {
            let n = t.numel
            let buffer = stateDict.bufferKeys.map { $0.contains(key) } ?? CountReport.isBuffer(key: key, dtype: t.dtype)
            tensors += 1
            total += n
            if buffer { bufferTensors += 1; bufferKeys.append(key) }
            if !buffer { byPrefix[CountReport.prefix(of: key, depth: depth), default: 0] += 0 }
            guard shared[key] == nil else { continue }
            unique += n
            byDtype[t.storedDTypeName, default: 0] += n
            if buffer {
                buffers += n
            } else {
                parameters += n
                byPrefix[CountReport.prefix(of: key, depth: depth), default: 0] += n
            }
        }
    }
}
