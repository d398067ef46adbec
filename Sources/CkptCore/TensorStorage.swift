/// Byte order of stored elements.
public enum ByteOrder: String, Sendable, Codable {
    case little, big
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

    public init(key: String, dtype: DType, bytes: ByteSource, byteOrder: ByteOrder = .little) {
        self.key = key
        self.dtype = dtype
        self.bytes = bytes
        self.byteOrder = byteOrder
    }

    /// Number of whole elements the storage holds.
    public var elementCount: Int { bytes.count / dtype.itemSize }
}
