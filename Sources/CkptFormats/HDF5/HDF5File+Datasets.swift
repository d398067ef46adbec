import CHDF5
import CkptCore

extension HDF5File {
    /// Largest dataset whose bytes are not stored plainly in the file (chunked, compressed, compact, never
    /// written) that ckpt accepts without matching storage: beyond it the logical size must be backed by
    /// stored bytes at a compression ratio gzip can reach, so a tiny file cannot claim terabytes.
    static let maxUnbackedBytes = 64 << 20
    static let maxCompressionRatio = 2048

    /// The dataset at `path` as a checkpoint value: a lazy tensor (mapped in place when contiguous and
    /// unfiltered, else read through `H5Dread` on demand), or the value of a string dataset, or a description.
    func value(ofDataset path: String, key: String) throws -> CheckpointValue {
        let dset = try HDF5ID.checked(H5Dopen2(id, path, ckpt_H5P_DEFAULT()), "cannot open dataset '\(path)'", closer: H5Dclose)
        let type = try HDF5ID.checked(H5Dget_type(dset.id), "cannot read the type of '\(path)'", closer: H5Tclose)
        let space = try HDF5ID.checked(H5Dget_space(dset.id), "cannot read the shape of '\(path)'", closer: H5Sclose)
        if H5Sget_simple_extent_type(space.id) == H5S_NULL { return .none }
        let shape = try HDF5File.shape(space.id, path)
        var dtypeAttribute: String?
        let cls = H5Tget_class(type.id)
        if cls == H5T_OPAQUE || cls == H5T_INTEGER, let v = try attribute("dtype", of: path)?.strings, v.count == 1 {
            dtypeAttribute = v[0]
        }
        switch HDF5Datatype.classify(type.id, dtypeAttribute: dtypeAttribute) {
        case .string:
            return try readValue(type: type.id, space: space.id, what: "dataset '\(path)'") { mem, buf in
                H5Dread(dset.id, mem, ckpt_H5S_ALL(), ckpt_H5S_ALL(), ckpt_H5P_DEFAULT(), buf)
            }.checkpointValue
        case .other(let description):
            return .string("<HDF5 dataset of \(description), shape \(shape)>")
        case .tensor(let dtype, let order):
            guard let numel = TensorEntry.checkedNumel(shape) else { throw CheckpointError.malformed("dataset '\(path)' has shape \(shape)") }
            let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize)
            guard !overflow else { throw CheckpointError.tooLarge("dataset '\(path)' of shape \(shape) overflows") }
            let source = try byteSource(dset.id, path: path, bytes: bytes)
            let storage = TensorStorage(key: key, dtype: dtype, bytes: source, byteOrder: order)
            return .tensor(try TensorEntry(dtype: dtype, shape: shape, storage: storage))
        }
    }

    private static func shape(_ space: hid_t, _ path: String) throws -> [Int] {
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw HDF5Library.failure("cannot read the shape of '\(path)'") }
        guard rank <= TensorEntry.maxRank else { throw CheckpointError.malformed("dataset '\(path)' has rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard rank == 0 || H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else {
            throw HDF5Library.failure("cannot read the shape of '\(path)'")
        }
        return try dims.map { d in
            guard d <= hsize_t(Int.max) else { throw CheckpointError.tooLarge("dataset '\(path)' has a dimension of \(d)") }
            return Int(d)
        }
    }

    /// Where the dataset's `bytes` bytes come from: the mapped file for plain contiguous storage, else a loader.
    private func byteSource(_ dset: hid_t, path: String, bytes: Int) throws -> ByteSource {
        let dcpl = try HDF5ID.checked(H5Dget_create_plist(dset), "cannot read the layout of '\(path)'", closer: H5Pclose)
        // Data in other files (external storage, virtual datasets) is never followed.
        guard H5Pget_external_count(dcpl.id) == 0 else {
            throw CheckpointError.unsupported("dataset '\(path)' keeps its data in external files")
        }
        let layout = H5Pget_layout(dcpl.id)
        guard layout == H5D_CONTIGUOUS || layout == H5D_CHUNKED || layout == H5D_COMPACT else {
            throw CheckpointError.unsupported("dataset '\(path)' has a layout ckpt does not read (virtual?)")
        }
        if bytes == 0 { return .bytes([]) }
        if layout == H5D_CONTIGUOUS, H5Pget_nfilters(dcpl.id) == 0 {
            let address = H5Dget_offset(dset)
            if address != ckpt_HADDR_UNDEF() {
                let offset = UInt64(address)
                guard offset <= UInt64(size), UInt64(bytes) <= UInt64(size) - offset else {
                    throw CheckpointError.truncated("dataset '\(path)' needs bytes \(offset)..<\(offset &+ UInt64(bytes)) but the file has \(size)")
                }
                return try region(offset: Int(offset), count: bytes)
            }
        }
        _ = HDF5Library.lastError()
        let stored = H5Dget_storage_size(dset)
        let limit = UInt64(HDF5File.maxUnbackedBytes) + UInt64(HDF5File.maxCompressionRatio) * min(UInt64(stored), UInt64(size))
        guard UInt64(bytes) <= limit else {
            throw CheckpointError.tooLarge("dataset '\(path)' claims \(bytes) bytes but stores \(stored)")
        }
        return .loader(count: bytes) { [self] in try self.readAll(path: path, bytes: bytes) }
    }

    /// Reads a dataset whole, in its file datatype (no conversion: the bytes are the file's).
    func readAll(path: String, bytes: Int) throws -> [UInt8] {
        try HDF5Library.locked {
            let dset = try HDF5ID.checked(H5Dopen2(id, path, ckpt_H5P_DEFAULT()), "cannot open dataset '\(path)'", closer: H5Dclose)
            let type = try HDF5ID.checked(H5Dget_type(dset.id), "cannot read the type of '\(path)'", closer: H5Tclose)
            var out = [UInt8](repeating: 0, count: bytes)
            let status = out.withUnsafeMutableBytes {
                H5Dread(dset.id, type.id, ckpt_H5S_ALL(), ckpt_H5S_ALL(), ckpt_H5P_DEFAULT(), $0.baseAddress)
            }
            guard status >= 0 else { throw HDF5Library.failure("cannot read dataset '\(path)'") }
            return out
        }
    }
}
