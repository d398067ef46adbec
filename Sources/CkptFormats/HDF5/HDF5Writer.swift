import CHDF5
import CHDF5Support
import CkptCore
import Foundation

/// Writes a state_dict as an HDF5 file h5py reads back with the same keys, order and values.
///
/// Each tensor is a dataset in the root group named by its key — dots stay inside the name, no groups are
/// made for them; a key holding `/` is refused (HDF5 would make it groups, read back as a dotted key). The file and every group
/// track and index creation order (h5py's `track_order=True`), so the key order survives. Types are h5py's:
/// IEEE floats and integers little-endian, float16 as h5py's 2-byte float, bool as the enum FALSE/TRUE on
/// int8, complex as the compound `{r, i}`; bfloat16 (and float8) as Keras 3 writes them: an opaque type of the
/// item size with the attribute `dtype="bfloat16"`. 0-dim tensors get a scalar dataspace, empty ones a zero
/// dimension. Each tensor is written with one `H5Dwrite` from its contiguous bytes (straight from the mapped
/// source file when it is contiguous). Tensors that are the same view of one storage are written once and
/// linked (a hard link), which ckpt's reader reports as shared storage. `StateDict.attributes` and the
/// scalar metadata (`epoch`, …) become root attributes.
public enum HDF5Writer: CheckpointWriter {
    public static func write(_ stateDict: StateDict, to path: String) throws {
        try HDF5Library.locked { try writeLocked(stateDict, to: path) }
    }

    private static func writeLocked(_ stateDict: StateDict, to path: String) throws {
        let fcpl = try HDF5ID.checked(H5Pcreate(ckpt_H5P_FILE_CREATE()), "cannot create a property list", closer: H5Pclose)
        let order = ckpt_H5P_CRT_ORDER_TRACKED() | ckpt_H5P_CRT_ORDER_INDEXED()
        try HDF5Library.check(H5Pset_link_creation_order(fcpl.id, order), "cannot track creation order")
        try HDF5Library.check(H5Pset_attr_creation_order(fcpl.id, order), "cannot track creation order")
        // libhdf5 writes through the descriptor (CHDF5Support's driver): its own drivers cannot create the unnamed
        // file AtomicFile passes as /proc/self/fd/N.
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.io("cannot create the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let fapl = try HDF5ID.checked(ckpt_h5_fd_fapl(fd), "cannot set up writing", closer: H5Pclose)
        let fid = H5Fcreate("ckpt-output.h5", ckpt_H5F_ACC_TRUNC(), fcpl.id, fapl.id)
        guard fid >= 0 else { throw HDF5Library.failure("cannot create the file", kind: CheckpointError.io) }
        var closed = false
        defer { if !closed { H5Fclose(fid) } }

        var written: [(path: String, tensor: TensorEntry)] = []
        for (key, tensor) in stateDict.tensors {
            let dsetPath = try datasetPath(for: key)
            if let first = written.first(where: { sameView($0.tensor, tensor) }) {
                try HDF5Library.check(H5Lcreate_hard(fid, first.path, fid, dsetPath, ckpt_H5P_DEFAULT(), ckpt_H5P_DEFAULT()),
                                      "cannot link '\(key)' to '\(first.path)'")
            } else {
                try writeDataset(tensor, at: dsetPath, key: key, in: fid)
            }
            written.append((dsetPath, tensor))
        }
        for (name, value) in stateDict.attributes {
            try writeAttribute(.string(value), named: name, in: fid)
        }
        for (key, value) in stateDict.metadata where !key.isEmpty {
            try writeAttribute(value, named: key, in: fid)
        }
        closed = true
        guard H5Fclose(fid) >= 0 else { throw HDF5Library.failure("cannot finish writing the file", kind: CheckpointError.io) }
    }

    /// Same storage object, dtype, offset, shape and strides: one tensor under two keys (tied weights).
    private static func sameView(_ a: TensorEntry, _ b: TensorEntry) -> Bool {
        a.storage === b.storage && a.dtype == b.dtype && a.storageOffset == b.storageOffset && a.shape == b.shape
            && a.strides == b.strides
    }

    /// The dataset's HDF5 path for `key`. A `/` would make groups, and ckpt (like h5py's users) reads groups back
    /// as dotted keys: `a/b` would come back as `a.b`, so such a key is refused rather than renamed.
    private static func datasetPath(for key: String) throws -> String {
        guard !key.contains("/") else {
            throw CheckpointError.unsupported("key '\(key)' holds '/', which HDF5 makes a group: it would read back as '\(key.replacingOccurrences(of: "/", with: "."))', so it is not written (an HDF5 name cannot hold '/')")
        }
        guard !key.isEmpty, key != ".", key != ".." else {
            throw CheckpointError.unsupported("key '\(key)' cannot be an HDF5 dataset name")
        }
        return "/" + key
    }

    private static func writeDataset(_ tensor: TensorEntry, at path: String, key: String, in fid: hid_t) throws {
        let (typeID, marksDType) = try HDF5Datatype.create(for: tensor.dtype)
        let type = HDF5ID(typeID, H5Tclose)
        let space: HDF5ID
        if tensor.shape.isEmpty {
            space = try HDF5ID.checked(H5Screate(H5S_SCALAR), "cannot create a dataspace", closer: H5Sclose)
        } else {
            let dims = tensor.shape.map { hsize_t($0) }
            space = try HDF5ID.checked(H5Screate_simple(Int32(dims.count), dims, nil), "cannot create a dataspace for '\(key)'", closer: H5Sclose)
        }
        let dset = try HDF5ID.checked(H5Dcreate2(fid, path, type.id, space.id, ckpt_H5P_DEFAULT(), ckpt_H5P_DEFAULT(), ckpt_H5P_DEFAULT()),
                                      "cannot create dataset '\(key)'", closer: H5Dclose)
        if tensor.numel > 0 {
            let status = try tensor.withContiguousBytes { bytes in
                H5Dwrite(dset.id, type.id, ckpt_H5S_ALL(), ckpt_H5S_ALL(), ckpt_H5P_DEFAULT(), bytes.baseAddress)
            }
            guard status >= 0 else { throw HDF5Library.failure("cannot write '\(key)'", kind: CheckpointError.io) }
        }
        if marksDType { try writeAttribute(.string(tensor.dtype.rawValue), named: "dtype", in: dset.id) }
    }

    /// A scalar attribute: ints as int64, floats as float64, bools as h5py's bool enum, strings as
    /// variable-length UTF-8; any other value as its Python repr. An existing attribute is left alone.
    private static func writeAttribute(_ value: CheckpointValue, named name: String, in object: hid_t) throws {
        if H5Aexists(object, name) > 0 { return }
        _ = HDF5Library.lastError()
        let space = try HDF5ID.checked(H5Screate(H5S_SCALAR), "cannot create a dataspace", closer: H5Sclose)
        func put(_ type: hid_t, _ bytes: UnsafeRawPointer) throws {
            let attr = try HDF5ID.checked(H5Acreate2(object, name, type, space.id, ckpt_H5P_DEFAULT(), ckpt_H5P_DEFAULT()),
                                          "cannot create attribute '\(name)'", closer: H5Aclose)
            try HDF5Library.check(H5Awrite(attr.id, type, bytes), "cannot write attribute '\(name)'")
        }
        switch value {
        case .int(let i):
            var v = Int64(i)
            try withUnsafeBytes(of: &v) { try put(ckpt_H5T_NATIVE_INT64(), $0.baseAddress!) }
        case .float(var d):
            try withUnsafeBytes(of: &d) { try put(ckpt_H5T_NATIVE_DOUBLE(), $0.baseAddress!) }
        case .bool(let b):
            let type = HDF5ID(try HDF5Datatype.create(for: .bool).type, H5Tclose)
            var v: Int8 = b ? 1 : 0
            try withUnsafeBytes(of: &v) { try put(type.id, $0.baseAddress!) }
        default:
            let text: String
            if case .string(let s) = value { text = s } else { text = value.description }
            let type = try HDF5ID.checked(H5Tcopy(ckpt_H5T_C_S1()), "cannot create a string type", closer: H5Tclose)
            H5Tset_size(type.id, ckpt_H5T_VARIABLE())
            H5Tset_cset(type.id, H5T_CSET_UTF8)
            try text.withCString { cstr in
                var pointer: UnsafePointer<CChar>? = cstr
                try withUnsafeBytes(of: &pointer) { try put(type.id, $0.baseAddress!) }
            }
        }
    }
}
