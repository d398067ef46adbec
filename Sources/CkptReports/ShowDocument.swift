/// What `ckpt show` prints: one tensor's values as PyTorch prints them, or a non-tensor value as Python would
/// (then without dtype and shape). The `--json` document; the text output is `text` alone.
public struct ShowDocument: Encodable, Sendable, Equatable {
    public var key: String
    public var dtype: String?
    public var shape: [Int]?
    public var text: String

    public init(key: String, dtype: String?, shape: [Int]?, text: String) {
        self.key = key
        self.dtype = dtype
        self.shape = shape
        self.text = text
    }
}
