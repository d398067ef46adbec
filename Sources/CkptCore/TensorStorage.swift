/// Byte order of stored elements.
public enum ByteOrder: String, Sendable, Codable {
    case little, big
}

/// How a storage's elements sit in the file when they are not plain elements of its dtype: a block-quantized
/// type (GGUF's `q4_k`, `q8_0`, …) whose byte source decodes the blocks to `TensorStorage.dtype` (float32)
/// when read. Values, statistics, diffs and conversions see the decoded elements; reports show `name` as the
/// tensor's dtype and `byteCount` as its size in the file.
public struct StoredEncoding: Sendable, Hashable {
    /// The stored type as reports name it (`q4_k`).
    public let name: String
    /// Bytes the encoded elements occupy in the file.
    public let byteCount: Int

    public init(name: String, byteCount: Int) {
        self.name = name
        self.byteCount = byteCount
    }
}

/// One storage: a run of elements of one dtype that one or more tensors view (PyTorch's storage;
/// tied weights and views share one). Identity (`===`) is what "shares storage" means.
public final class TensorStorage: Sendable {
    /// The storage's name inside its checkpoint (a torch `data/<key>` record, or the tensor's key).
    public let key: String
    /// Element type the bytes are laid out in.
    public let dtype: DType
    public let bytes: ByteSource
    public let byteOrder: ByteOrder
    /// The file's own encoding when the bytes are decoded from it (block-quantized GGUF tensors), else nil.
    public let encoding: StoredEncoding?

    public init(key: String, dtype: DType, bytes: ByteSource, byteOrder: ByteOrder = .little, encoding: StoredEncoding? = nil) {
        self.key = key
        self.dtype = dtype
        self.bytes = bytes
        self.byteOrder = byteOrder
        self.encoding = encoding
    }

    /// Number of whole elements the storage holds.
    public var elementCount: Int { bytes.count / dtype.itemSize }
}
