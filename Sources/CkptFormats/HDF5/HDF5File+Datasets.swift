import CHDF5
import CHDF5Support
import CkptCore
import Foundation

extension HDF5File {
    /// Largest dataset whose bytes are not stored plainly in the file (chunked, compressed, compact, never
    /// written) that ckpt accepts without matching storage: beyond it the logical size must be backed by
    /// stored bytes at a compression ratio gzip can reach, so a tiny file cannot claim terabytes.
    static let maxUnbackedBytes = 64 << 20
    static let maxCompressionRatio = 2048

    /// The dataset `index` (at `path`) as a checkpoint value: a lazy tensor (mapped in place when contiguous and
    /// unfiltered, else read through `H5Dread` in a guarded child on demand), the value of a string dataset, or
    /// a description.
    func value(ofDataset index: Int, path: String, key: String) throws -> CheckpointValue {
        guard case .dataset(let result) = object(index).body else { throw CheckpointError.malformed("'\(path)' is not a dataset") }
        guard let dataset = try result.get() else { return .none }
        let shape = try dataset.shape.map { d in
            guard d <= UInt64(Int.max) else { throw CheckpointError.tooLarge("dataset '\(path)' has a dimension of \(d)") }
            return Int(d)
        }
        var dtypeAttribute: String?
        let cls = dataset.type.typeClass
        if cls == H5T_OPAQUE.rawValue || cls == H5T_INTEGER.rawValue, let v = try attribute("dtype", of: index)?.strings, v.count == 1 {
            dtypeAttribute = v[0]
        }
        switch HDF5Datatype.classify(dataset.type, dtypeAttribute: dtypeAttribute) {
        case .string:
            guard let value = dataset.value else { throw CheckpointError.malformed("cannot read dataset '\(path)'") }
            return try value.get().checkpointValue
        case .other(let description):
            return .string("<HDF5 dataset of \(description), shape \(shape)>")
        case .tensor(let dtype, let order):
            guard let numel = TensorEntry.checkedNumel(shape) else { throw CheckpointError.malformed("dataset '\(path)' has shape \(shape)") }
            let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize)
            guard !overflow else { throw CheckpointError.tooLarge("dataset '\(path)' of shape \(shape) overflows") }
            let source = try byteSource(dataset, path: path, bytes: bytes)
            let storage = TensorStorage(key: key, dtype: dtype, bytes: source, byteOrder: order)
            return .tensor(try TensorEntry(dtype: dtype, shape: shape, storage: storage))
        }
    }

    /// Where the dataset's `bytes` bytes come from: the mapped file for plain contiguous storage, else a loader.
    private func byteSource(_ dataset: HDF5Description.Dataset, path: String, bytes: Int) throws -> ByteSource {
        // Data in other files (external storage, virtual datasets) is never followed.
        guard dataset.externalFiles == 0 else {
            throw CheckpointError.unsupported("dataset '\(path)' keeps its data in external files")
        }
        let layout = dataset.layout
        guard layout == H5D_CONTIGUOUS.rawValue || layout == H5D_CHUNKED.rawValue || layout == H5D_COMPACT.rawValue else {
            throw CheckpointError.unsupported("dataset '\(path)' has a layout ckpt does not read (virtual?)")
        }
        if bytes == 0 { return .bytes([]) }
        if layout == H5D_CONTIGUOUS.rawValue, dataset.filters == 0, dataset.offset != UInt64(ckpt_HADDR_UNDEF()) {
            let offset = dataset.offset
            guard offset <= UInt64(size), UInt64(bytes) <= UInt64(size) - offset else {
                throw CheckpointError.truncated("dataset '\(path)' needs bytes \(offset)..<\(offset &+ UInt64(bytes)) but the file has \(size)")
            }
            return try region(offset: Int(offset), count: bytes)
        }
        let stored = dataset.storedBytes
        let limit = UInt64(HDF5File.maxUnbackedBytes) + UInt64(HDF5File.maxCompressionRatio) * min(stored, UInt64(size))
        guard UInt64(bytes) <= limit else {
            throw CheckpointError.tooLarge("dataset '\(path)' claims \(bytes) bytes but stores \(stored)")
        }
        return .loader(count: bytes) { [self] in try self.readAll(path: path, bytes: bytes) }
    }

    /// How much CPU time a child may use to read `bytes` bytes of a chunked or compressed dataset: 0.5 s plus
    /// 20 MB/s (gzip inflates faster), so a libhdf5 that loops on a corrupt chunk index ends soon. Wall time
    /// (a loaded machine) is allowed ten minutes.
    static func readCPUMilliseconds(_ bytes: Int) -> Int32 { Int32(clamping: 500 + bytes / 20_000) }
    static let readLimitMilliseconds: Int32 = 600_000

    /// Reads a dataset whole, in its file datatype (no conversion: the bytes are the file's), in a guarded child.
    func readAll(path: String, bytes: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes)
        var result = ckpt_h5g_result()
        var image = image
        try HDF5Library.locked {
            out.withUnsafeMutableBytes { dest in
                ckpt_h5g_read(&image, path, dest.baseAddress, bytes, HDF5File.readCPUMilliseconds(bytes),
                              HDF5File.readLimitMilliseconds, &result)
            }
        }
        try HDF5File.check(result, what: "reading dataset '\(path)'",
                           stalled: "did not finish reading dataset '\(path)' in \(HDF5File.readCPUMilliseconds(bytes)) ms of CPU time")
        return out
    }
}
