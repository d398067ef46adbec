import CHDF5
import CkptCore
import Foundation

/// An HDF5 file opened read-only from bytes in memory, in place: libhdf5's core driver reads the mapped
/// bytes directly (no copy), so a plain `.h5` and a STORED `model.weights.h5` inside a `.keras` zip open the
/// same way. Contiguous datasets are then mapped straight from the file at `base + H5Dget_offset`.
/// Keeps the bytes alive while libhdf5 uses them; closes itself (under the library lock) on deinit.
final class HDF5File: @unchecked Sendable {
    /// Where the image lives: a region of a mapped file, or bytes owned by this object (an inflated member).
    enum Backing {
        case mapped(MappedFile, base: Int)
        case owned(UnsafeMutableRawBufferPointer)
    }
    let backing: Backing
    /// Size of the image in bytes.
    let size: Int
    /// The image's first byte, valid while `self` lives.
    let start: UnsafeRawPointer
    let id: hid_t
    private let image: UnsafeMutablePointer<ckpt_h5_image>
    /// Whether `validateGlobalHeaps` has run (it runs before the first variable-length read).
    private var heapsChecked = false

    /// Opens `mapped[base ..< base+size]`; must be called holding the library lock.
    convenience init(_ mapped: MappedFile, base: Int = 0, size: Int? = nil) throws {
        let size = size ?? mapped.size - base
        guard size >= 8 else { throw CheckpointError.truncated("HDF5 file of \(size) bytes is too short") }
        let bytes = try mapped.unsafeBytes(offset: base, count: size)  // `backing` keeps `mapped` alive
        guard let start = bytes.baseAddress else { throw CheckpointError.truncated("empty HDF5 image") }
        try self.init(backing: .mapped(mapped, base: base), start: start, size: size)
    }

    /// Opens a copy of `bytes` (an inflated zip member); must be called holding the library lock.
    convenience init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw CheckpointError.truncated("HDF5 file of \(bytes.count) bytes is too short") }
        let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { owned.copyMemory(from: $0) }
        do {
            try self.init(backing: .owned(owned), start: UnsafeRawPointer(owned.baseAddress!), size: bytes.count)
        } catch {
            owned.deallocate()
            throw error
        }
    }

    private init(backing: Backing, start: UnsafeRawPointer, size: Int) throws {
        self.backing = backing
        self.start = start
        self.size = size
        image = .allocate(capacity: 1)
        image.initialize(to: ckpt_h5_image(buf: start, len: size))
        // libhdf5 treats two core-driver files with one name as the same open file, so each image gets a name of
        // its own; the folder does not exist, so the name never collides with a real file either.
        var reason = [CChar](repeating: 0, count: 512)
        let id = ckpt_h5_open_image(image, "/nonexistent-ckpt-hdf5-image/\(UUID().uuidString)", &reason)
        guard id >= 0 else {
            image.deallocate()
            let text = String(cString: reason)
            throw CheckpointError.malformed(text.isEmpty ? "not a readable HDF5 file" : "not a readable HDF5 file: \(text)")
        }
        self.id = id
    }

    deinit {
        let id = self.id
        _ = try? HDF5Library.locked {
            _ = H5Fclose(id)
            _ = HDF5Library.lastError()
        }
        image.deallocate()
        if case .owned(let buffer) = backing { buffer.deallocate() }
    }

    /// The bytes `[offset, offset+count)` of the image, without copying when the image is a mapped file.
    func region(offset: Int, count: Int) throws -> ByteSource {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw CheckpointError.truncated("needs bytes \(offset)..<\(offset &+ count) but the HDF5 file has \(size)")
        }
        switch backing {
        case .mapped(let file, let base): return try .mapped(file, offset: base + offset, count: count)
        case .owned: return .bytes(Array(UnsafeRawBufferPointer(start: start + offset, count: count)))
        }
    }

    /// Validates the global heaps the first time it is called.
    func checkGlobalHeapsOnce() throws {
        if heapsChecked { return }
        try validateGlobalHeaps()
        heapsChecked = true
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
        var order = H5_INDEX_NAME
        if let gcpl = try? HDF5ID.checked(H5Gget_create_plist(group.id), "", closer: H5Pclose) {
            var flags: UInt32 = 0
            if H5Pget_link_creation_order(gcpl.id, &flags) >= 0,
               flags & ckpt_H5P_CRT_ORDER_TRACKED() != 0, flags & ckpt_H5P_CRT_ORDER_INDEXED() != 0 {
                order = H5_INDEX_CRT_ORDER
            }
        }
        _ = HDF5Library.lastError()
        // One H5Literate pass: asking for names by index rebuilds the sorted table on every call (quadratic).
        let collector = LinkCollector()
        var position: hsize_t = 0
        let status = H5Literate(group.id, order, H5_ITER_INC, &position, { _, name, info, data in
            guard let name, let info, let data else { return -1 }
            let collector = Unmanaged<LinkCollector>.fromOpaque(data).takeUnretainedValue()
            guard collector.items.count < LinkCollector.limit else { return -1 }
            if info.pointee.type == H5L_TYPE_HARD {
                collector.items.append((String(cString: name), info.pointee.u.address))
            }
            return 0
        }, Unmanaged.passUnretained(collector).toOpaque())
        guard status >= 0 else { throw HDF5Library.failure("cannot list group '\(path)'") }
        var out: [Link] = []
        out.reserveCapacity(collector.items.count)
        for (name, address) in collector.items {
            var oinfo = H5O_info_t()
            guard H5Oget_info_by_name2(group.id, name, &oinfo, UInt32(H5O_INFO_BASIC), ckpt_H5P_DEFAULT()) >= 0 else {
                throw HDF5Library.failure("cannot read object '\(name)' in '\(path)'")
            }
            out.append(Link(name: name, isGroup: oinfo.type == H5O_TYPE_GROUP, isDataset: oinfo.type == H5O_TYPE_DATASET,
                            address: address))
        }
        if order == H5_INDEX_NAME, out.count > 1, out.allSatisfy({ HDF5File.isDecimal($0.name) }) {
            out.sort { HDF5File.numericLess($0.name, $1.name) }
        }
        return out
    }

    /// Names and addresses gathered by the `H5Literate` callback.
    private final class LinkCollector {
        static let limit = 10_000_000
        var items: [(String, haddr_t)] = []
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
