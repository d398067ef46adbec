import CkptCore
import OrderedCollections

/// What a command that writes tensors wrote (`run`, `init`): the file, its format, and each tensor's key, dtype
/// and shape. The `--json` document of those commands.
public struct WrittenFile: Encodable, Sendable, Equatable {
    public struct Tensor: Encodable, Sendable, Equatable {
        public var key: String
        public var dtype: String
        public var shape: [Int]
    }

    public var output: String
    public var format: String
    public var tensors: [Tensor]
    /// Bytes of tensor data written (shared storage once).
    public var bytes: Int

    /// Describes `tensors` written to `output` in `format` (a format id such as `npy`).
    public init(output: String, format: String, tensors: OrderedDictionary<String, TensorEntry>) {
        self.output = output
        self.format = format
        self.tensors = tensors.map { Tensor(key: $0.key, dtype: $0.value.dtype.rawValue, shape: $0.value.shape) }
        let shared = StateDict(tensors: tensors).sharedWith
        bytes = tensors.filter { shared[$0.key] == nil }.reduce(0) { $0 + $1.value.byteCount }
    }
}
