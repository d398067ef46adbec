import CkptCore
import OrderedCollections

/// Reads a llama.cpp `.gguf` file (versions 2 and 3, either byte order) as a state dict: one tensor per tensor
/// info in file order, keyed by its stored name, with its shape in PyTorch order (`ne` reversed), and the
/// metadata key/values in file order as `fileMetadata` (reported, not written: a GGUF converted to `.pt` is a
/// plain state_dict). Only the header is read; tensor bytes stay in the mapped file.
///
/// Plain ggml types keep their bytes and take PyTorch's dtype (f32 → float32, bf16 → bfloat16, i64 → int64).
/// A block-quantized tensor is a float32 tensor whose storage dequantizes the blocks when its values are
/// first needed, exactly as ggml does, and carries a `StoredEncoding` (`q4_k`, its size in the file) for the
/// reports. Types without a dequantizer (IQ2/IQ3/IQ1, TQ, MXFP4 …) are listed and fail with one line only
/// when their values are read. Quantized blocks of a big-endian file are refused the same way: their
/// byte order is not recorded (gguf-py writes them unswapped, `gguf_convert_endian` swaps their scales).
/// The first part of a split model (`…-00001-of-0000N.gguf`) reads as the whole model (`GGUFSplit`).
public enum GGUFReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        let header = try GGUFHeader.read(file)
        var tensors = OrderedDictionary<String, TensorEntry>()
        for info in header.tensors { tensors[info.name] = try entry(info, file: file, header: header) }
        if let position = try GGUFSplit.position(header.metadata), position.number == 0 {
            try GGUFSplit.appendingLaterParts(to: &tensors, firstPart: file.path, position: position)
        }
        var stateDict = StateDict(tensors: tensors)
        stateDict.fileMetadata = header.metadata
        return stateDict
    }

    /// The lazy tensor for one info.
    static func entry(_ info: GGUFTensorInfo, file: MappedFile, header: GGUFHeader) throws -> TensorEntry {
        let raw = try ByteSource.mapped(file, offset: header.dataStart + info.offset, count: info.byteCount)
        let type = info.type
        if let dtype = type.dtype {
            let storage = TensorStorage(key: info.name, dtype: dtype, bytes: raw, byteOrder: header.bigEndian ? .big : .little)
            return try TensorEntry(dtype: dtype, shape: info.shape, storage: storage)
        }
        let numel = info.numel
        let (decodedBytes, overflow) = numel.multipliedReportingOverflow(by: 4)
        guard !overflow else { throw CheckpointError.tooLarge("tensor \(info.name.ggufQuoted): \(numel) elements overflow as float32") }
        let bigEndian = header.bigEndian, path = file.path, name = info.name
        // Values are read long after the header, by any command: the error names the file and the tensor itself.
        let decoded = ByteSource.loader(count: decodedBytes) {
            do {
                guard !bigEndian else {
                    throw CheckpointError.unsupported("\(type.name) blocks in a big-endian GGUF file are not supported (their byte order is not recorded)")
                }
                return try raw.withUnsafeBytes { try GGMLDequantizer.decode(type, $0, count: numel) }
            } catch let e as CheckpointError {
                throw FileError(path: path, e.prefixed("tensor \(name.ggufQuoted): "))
            }
        }
        let storage = TensorStorage(key: info.name, dtype: .float32, bytes: decoded,
                                    encoding: StoredEncoding(name: type.name, byteCount: info.byteCount))
        return try TensorEntry(dtype: .float32, shape: info.shape, storage: storage)
    }
}
