import CkptCore
import OrderedCollections

/// Reads a `.safetensors` file: `u64 LE N`, an N-byte JSON header, then the data buffer. Tensors are mapped
/// slices of the file, listed in data order (what `safetensors.torch.load_file` returns). Validation follows
/// the reference loader: exact byte counts per tensor, and the tensors must tile the buffer with no gap,
/// overlap or trailing bytes.
public enum SafetensorsReader: CheckpointReader {
    /// The reference loader's limit on the header ("header too large").
    public static let maxHeaderSize = 100_000_000

    public static func read(_ file: MappedFile) throws -> StateDict {
        guard file.size >= 8 else { throw CheckpointError.truncated("safetensors file is \(file.size) bytes, too short for its header length") }
        let declared = try file.withBytes(offset: 0, count: 8) { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard declared <= UInt64(maxHeaderSize) else {
            throw CheckpointError.tooLarge("safetensors header claims \(declared) bytes (limit \(maxHeaderSize))")
        }
        let headerSize = Int(declared)
        guard headerSize <= file.size - 8 else {
            throw CheckpointError.truncated("safetensors header claims \(headerSize) bytes but the file has \(file.size - 8) after the length")
        }
        let json = try file.withBytes(offset: 8, count: headerSize) { try OrderedJSON.parse($0) }
        guard let members = json.members else { throw CheckpointError.malformed("safetensors header is not a JSON object") }
        let bufferStart = 8 + headerSize
        let bufferSize = file.size - bufferStart

        var attributes = OrderedDictionary<String, String>()
        var entries: [(key: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        for (key, value) in members {
            if key == "__metadata__" {
                guard let meta = value.members else { throw CheckpointError.malformed("safetensors __metadata__ is not an object") }
                for (k, v) in meta {
                    guard let s = v.string else { throw CheckpointError.malformed("safetensors __metadata__ value for '\(k)' is not a string") }
                    attributes[k] = s
                }
                continue
            }
            let info = try tensorInfo(key, value)
            entries.append((key, info.dtype, info.shape, info.begin, info.end))
        }
        // Sorted by begin, every tensor must start where the previous one ended and the last must end the buffer.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        for e in entries {
            guard e.begin == expected else {
                throw CheckpointError.malformed(e.begin > expected
                    ? "safetensors buffer has a gap at \(expected)..<\(e.begin) before '\(e.key)'"
                    : "safetensors tensor '\(e.key)' at \(e.begin)..<\(e.end) overlaps the previous tensor")
            }
            expected = e.end
        }
        guard expected <= bufferSize else {
            throw CheckpointError.truncated("safetensors data needs \(expected) bytes but the file has \(bufferSize) after the header")
        }
        guard expected == bufferSize else {
            throw CheckpointError.malformed("safetensors file not fully covered: \(bufferSize - expected) bytes after the last tensor")
        }
        var tensors = OrderedDictionary<String, TensorEntry>()
        for e in entries {
            let bytes = try ByteSource.mapped(file, offset: bufferStart + e.begin, count: e.end - e.begin)
            let storage = TensorStorage(key: e.key, dtype: e.dtype, bytes: bytes)
            tensors[e.key] = try TensorEntry(dtype: e.dtype, shape: e.shape, storage: storage)
        }
        return StateDict(tensors: tensors, attributes: attributes)
    }

    private static func tensorInfo(_ key: String, _ value: OrderedJSON) throws -> (dtype: DType, shape: [Int], begin: Int, end: Int) {
        guard value.members != nil else { throw CheckpointError.malformed("safetensors entry '\(key)' is not an object") }
        guard let name = value["dtype"]?.string else { throw CheckpointError.malformed("safetensors entry '\(key)' has no dtype") }
        guard let dtype = SafetensorsDType.dtype(name) else {
            throw SafetensorsDType.known.contains(name)
                ? CheckpointError.unsupported("safetensors dtype \(name) of '\(key)' is not supported")
                : CheckpointError.malformed("safetensors entry '\(key)' has unknown dtype '\(name)'")
        }
        guard let dims = value["shape"]?.array, dims.count <= TensorEntry.maxRank else {
            throw CheckpointError.malformed("safetensors entry '\(key)' has no valid shape")
        }
        let shape = try dims.map { d -> Int in
            guard let n = d.int, n >= 0 else { throw CheckpointError.malformed("safetensors entry '\(key)' has a bad dimension") }
            return n
        }
        guard let offsets = value["data_offsets"]?.array, offsets.count == 2,
              let begin = offsets[0].int, let end = offsets[1].int, begin >= 0, begin <= end else {
            throw CheckpointError.malformed("safetensors entry '\(key)' has invalid data_offsets")
        }
        guard let numel = TensorEntry.checkedNumel(shape),
              case let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize), !overflow,
              bytes == end - begin else {
            throw CheckpointError.malformed("safetensors entry '\(key)': shape \(shape) of \(name) does not match its \(end - begin)-byte range")
        }
        return (dtype, shape, begin, end)
    }
}
