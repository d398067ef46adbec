import CHDF5
import CkptCore
import Foundation

/// An HDF5 file opened read-only from a region of a mapped file, in place: libhdf5's core driver reads the
/// mapped bytes directly (no copy), so a plain `.h5` and a STORED `model.weights.h5` inside a `.keras` zip
/// open the same way. Contiguous datasets are then mapped straight from `mapped` at `base + H5Dget_offset`.
/// Keeps the mapping alive while libhdf5 uses it; closes itself (under the library lock) on deinit.
final class HDF5File: @unchecked Sendable {
    let mapped: MappedFile
    /// Offset of the HDF5 image inside `mapped` (0 for a plain file, the member's data offset in a zip).
    let base: Int
    /// Size of the image in bytes.
    let size: Int
    let id: hid_t
    private let image: UnsafeMutablePointer<ckpt_h5_image>
    /// Images opened so far (guarded by the library lock), for unique names.
    nonisolated(unsafe) private static var opened = 0

    /// Opens `mapped[base ..< base+size]`; must be called holding the library lock.
    init(_ mapped: MappedFile, base: Int = 0, size: Int? = nil) throws {
        let size = size ?? mapped.size - base
        guard size >= 8 else { throw CheckpointError.truncated("HDF5 file of \(size) bytes is too short") }
        let bytes = try mapped.bytes(offset: base, count: size)
        guard let start = bytes.baseAddress else { throw CheckpointError.truncated("empty HDF5 image") }
        self.mapped = mapped
        self.base = base
        self.size = size
        image = .allocate(capacity: 1)
        image.initialize(to: ckpt_h5_image(buf: start, len: size))
        // libhdf5 treats two core-driver files with one name as the same open file; the folder does not exist,
        // so the name never collides with a real file either.
        HDF5File.opened += 1
        let id = ckpt_h5_open_image(image, "/nonexistent-ckpt-hdf5-image/\(getpid())-\(HDF5File.opened)")
        guard id >= 0 else {
            image.deallocate()
            throw HDF5Library.failure("not a readable HDF5 file")
        }
        self.id = id
    }

    deinit {
        let id = self.id, image = self.image
        _ = try? HDF5Library.locked {
            _ = H5Fclose(id)
            _ = HDF5Library.lastError()
        }
        image.deallocate()
    }

    /// One link of a group, in iteration order.
    struct Link {
        var name: String
        var isGroup: Bool
        var isDataset: Bool
        /// Object address, to detect hard links to the same object (shared storage, cycles).
        var address: haddr_t
    }

    /// Largest link or attribute name accepted from a file.
    static let maxNameLength = 1 << 16

    /// The hard links of the group at `path`, in creation order when the group tracks and indexes it,
    /// else in name order with all-digit names (`vars/0 … vars/10`) sorted numerically.
    /// Soft, external and user-defined links are skipped: reading never follows links out of the file.
    func links(of path: String) throws -> [Link] {
        let group = try HDF5ID.checked(H5Gopen2(id, path, ckpt_H5P_DEFAULT()), "cannot open group '\(path)'", closer: H5Gclose)
        var info = H5G_info_t()
        try HDF5Library.check(H5Gget_info(group.id, &info), "cannot read group '\(path)'")
        let count = Int(clamping: info.nlinks)
        var order = H5_INDEX_NAME
        if let gcpl = try? HDF5ID.checked(H5Gget_create_plist(group.id), "", closer: H5Pclose) {
            var flags: UInt32 = 0
            if H5Pget_link_creation_order(gcpl.id, &flags) >= 0,
               flags & ckpt_H5P_CRT_ORDER_TRACKED() != 0, flags & ckpt_H5P_CRT_ORDER_INDEXED() != 0 {
                order = H5_INDEX_CRT_ORDER
            }
        }
        _ = HDF5Library.lastError()
        var out: [Link] = []
        out.reserveCapacity(min(count, 4096))
        for i in 0 ..< count {
            let index = hsize_t(i)
            let needed = H5Lget_name_by_idx(group.id, ".", order, H5_ITER_INC, index, nil, 0, ckpt_H5P_DEFAULT())
            guard needed >= 0, needed < HDF5File.maxNameLength else { throw HDF5Library.failure("cannot list group '\(path)'") }
            var buf = [CChar](repeating: 0, count: Int(needed) + 1)
            guard H5Lget_name_by_idx(group.id, ".", order, H5_ITER_INC, index, &buf, buf.count, ckpt_H5P_DEFAULT()) >= 0 else {
                throw HDF5Library.failure("cannot list group '\(path)'")
            }
            let name = String(decoding: buf.prefix(Int(needed)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var linfo = H5L_info_t()
            guard H5Lget_info_by_idx(group.id, ".", order, H5_ITER_INC, index, &linfo, ckpt_H5P_DEFAULT()) >= 0 else {
                throw HDF5Library.failure("cannot read link '\(name)' in '\(path)'")
            }
            guard linfo.type == H5L_TYPE_HARD else { continue }
            var oinfo = H5O_info_t()
            guard H5Oget_info_by_idx2(group.id, ".", order, H5_ITER_INC, index, &oinfo, UInt32(H5O_INFO_BASIC), ckpt_H5P_DEFAULT()) >= 0 else {
                throw HDF5Library.failure("cannot read object '\(name)' in '\(path)'")
            }
            out.append(Link(name: name, isGroup: oinfo.type == H5O_TYPE_GROUP, isDataset: oinfo.type == H5O_TYPE_DATASET,
                            address: oinfo.addr))
        }
        if order == H5_INDEX_NAME, out.count > 1, out.allSatisfy({ HDF5File.isDecimal($0.name) }) {
            out.sort { HDF5File.numericLess($0.name, $1.name) }
        }
        return out
    }

    static func isDecimal(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// Numeric order of decimal strings of any length.
    static func numericLess(_ a: String, _ b: String) -> Bool {
        let x = a.drop { $0 == "0" }, y = b.drop { $0 == "0" }
        if x.count != y.count { return x.count < y.count }
        if x != y { return x < y }
        return a < b
    }

    /// Joins a group path and a link name into an HDF5 path.
    static func join(_ group: String, _ name: String) -> String {
        group == "/" ? "/" + name : group + "/" + name
    }
}
