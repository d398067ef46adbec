import CkptCore
import OrderedCollections

/// Writes a `.safetensors` file that `safetensors.torch.load_file` and Hugging Face loaders accept:
/// `__metadata__` first with `"format": "pt"` (plus the state dict's string attributes), tensors in key
/// order, each key's bytes contiguous little-endian (the format has no shared storage, so tied weights are
/// written once per key), and the header padded with spaces so the data starts at a multiple of 8.
/// Tensors are streamed one at a time; memory stays near the largest tensor.
public enum SafetensorsWriter: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws {
        let tensors = stateDict.tensors
        let header = try headerBytes(tensors, attributes: stateDict.attributes)
        let out = try BufferedFileOutput(path: path)
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try out.write($0) }
        try out.write(header)
        for (_, t) in tensors where t.numel > 0 {
            try t.withContiguousBytes { try out.write($0) }
        }
        try out.close()
    }

    /// The JSON header, space-padded so that `8 + count` is a multiple of 8.
    static func headerBytes(_ tensors: OrderedDictionary<String, TensorEntry>,
                            attributes: OrderedDictionary<String, String>) throws -> [UInt8] {
        var metadata = attributes
        if metadata["format"] == nil {
            metadata.updateValue("pt", forKey: "format", insertingAt: 0)
        }
        var parts: [String] = []
        let meta = metadata.map { OrderedJSON.quote($0.key) + ":" + OrderedJSON.quote($0.value) }.joined(separator: ",")
        parts.append("\"__metadata__\":{\(meta)}")
        var offset = 0
        for (key, t) in tensors {
            guard key != "__metadata__" else {
                throw CheckpointError.unsupported("a tensor named __metadata__ cannot be stored in safetensors")
            }
            guard let name = SafetensorsDType.name(t.dtype) else {
                throw CheckpointError.unsupported("safetensors cannot store \(t.dtype.rawValue) ('\(key)')")
            }
            let end = offset + t.byteCount
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append(OrderedJSON.quote(key) + ":{\"dtype\":\"\(name)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        let padding = (8 - bytes.count % 8) % 8
        bytes += [UInt8](repeating: 0x20, count: padding)
        return bytes
    }
}
