import CHDF5
import CHDF5Support
import CkptCore
import Foundation

/// An HDF5 file read from bytes in memory: a region of a mapped file (a plain `.h5`, or a STORED
/// `model.weights.h5` inside a `.keras` zip) or bytes it owns (an inflated member, in a memory file). libhdf5 reads
/// it only in a guarded child process (CHDF5Support), which is given the file's descriptor, not this process's
/// memory: `description` is what the child found; contiguous datasets are then mapped straight from the file at
/// their offset, others read by another child when asked.
final class HDF5File: @unchecked Sendable {
    /// Where the image lives: a region of a mapped file, or a copy owned by `image` (an inflated member).
    enum Backing {
        case mapped(MappedFile, base: Int)
        case owned
    }
    let backing: Backing
    /// The image as the guard takes it: its bytes here, and a descriptor the children map them from.
    let image: ckpt_h5g_image
    /// Size of the image in bytes.
    var size: Int { image.size }
    /// The image's first byte, valid while `self` lives.
    let start: UnsafeRawPointer
    let description: HDF5Description
    /// Per group, its links by name (built when a path is first looked up).
    private var linksByName: [Int: [String: Int]] = [:]

    /// How much CPU time the walking child may use without progress before it is taken to be stuck (libhdf5
    /// loops forever on some corrupt files; a sound file's walk advances with every object and link).
    static let stallMilliseconds: Int32 = 500
    /// How long it may take in all.
    static let walkLimitMilliseconds: Int32 = 600_000

    /// Reads `mapped[base ..< base+size]`.
    convenience init(_ mapped: MappedFile, base: Int = 0, size: Int? = nil) throws {
        let size = size ?? mapped.size - base
        guard size >= 8 else { throw CheckpointError.truncated("HDF5 file of \(size) bytes is too short") }
        let bytes = try mapped.unsafeBytes(offset: base, count: size)  // `backing` keeps `mapped` alive
        guard let start = bytes.baseAddress else { throw CheckpointError.truncated("empty HDF5 image") }
        // Without a descriptor (the path names another file by now) the guard forks this process instead.
        let image = ckpt_h5g_image(start: start, size: size, fd: mapped.reopen() ?? -1, offset: UInt64(base), owned: 0)
        try self.init(backing: .mapped(mapped, base: base), start: start, image: image)
    }

    /// Reads a copy of `bytes` (an inflated zip member).
    convenience init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw CheckpointError.truncated("HDF5 file of \(bytes.count) bytes is too short") }
        var image = ckpt_h5g_image()
        let copied = bytes.withUnsafeBytes { ckpt_h5g_image_copy($0.baseAddress, $0.count, &image) }
        guard copied == 0, let start = image.start else {
            throw CheckpointError.io("cannot hold the HDF5 file in memory: \(String(cString: strerror(errno)))")
        }
        try self.init(backing: .owned, start: start, image: image)
    }

    /// Takes ownership of `image` (released when this object goes, or now if describing it fails).
    private init(backing: Backing, start: UnsafeRawPointer, image: ckpt_h5g_image) throws {
        self.backing = backing
        self.start = start
        self.image = image
        var result = ckpt_h5g_result()
        do {
            var image = image
            try HDF5Library.locked {
                ckpt_h5g_describe(&image, HDF5File.stallMilliseconds, HDF5File.walkLimitMilliseconds, &result)
            }
            defer { ckpt_h5g_free(&result) }
            try HDF5File.check(result, what: "walking the file's metadata",
                               stalled: "made no progress walking the file's metadata in \(HDF5File.stallMilliseconds) ms of CPU time")
            guard let data = result.data else { throw CheckpointError.malformed("not a readable HDF5 file") }
            description = try HDF5Description(UnsafeRawBufferPointer(start: data, count: result.size))
        } catch {
            var image = image
            ckpt_h5g_image_release(&image)
            throw error
        }
    }

    deinit {
        var image = image
        ckpt_h5g_image_release(&image)
    }

    /// Throws the error for a guarded call that did not succeed.
    static func check(_ result: ckpt_h5g_result, what: String, stalled: String) throws {
        var copy = result
        let message = withUnsafeBytes(of: &copy.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch Int(result.status) {
        case Int(CKPT_H5G_OK): return
        case Int(CKPT_H5G_CRASHED): throw CheckpointError.malformed("corrupt HDF5 file (libhdf5 crashes \(what))")
        case Int(CKPT_H5G_STALLED): throw CheckpointError.malformed("corrupt HDF5 file (libhdf5 \(stalled))")
        case Int(CKPT_H5G_TOO_LARGE): throw CheckpointError.tooLarge("HDF5 metadata declares a value needing over 512 MiB (corrupt?)")
        case Int(CKPT_H5G_FAILED): throw CheckpointError.malformed(message.isEmpty ? "not a readable HDF5 file" : message)
        default: throw CheckpointError.io("cannot start the process that reads HDF5 files: \(String(cString: strerror(errno)))")
        }
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

    /// One link of a group, in iteration order.
    struct Link {
        var name: String
        /// The object it points to (an index into `description.objects`).
        var object: Int
        var isGroup: Bool
        var isDataset: Bool
        /// Object address, to detect hard links to the same object (shared storage, cycles).
        var address: UInt64
    }

    /// The root group.
    static let root = 0

    /// The object `index`.
    func object(_ index: Int) -> HDF5Description.Object { description.objects[index] }

    /// The hard links of the group `group` (at `path`, for messages), in creation order when the group tracks
    /// and indexes it, else in name order with all-digit names (`vars/0 … vars/10`) sorted numerically.
    /// Soft, external and user-defined links are skipped: reading never follows links out of the file.
    func links(of group: Int, path: String) throws -> [Link] {
        guard case .group(let result, let byName) = object(group).body else { throw CheckpointError.malformed("'\(path)' is not a group") }
        var out = try result.get().map { link in
            let o = object(link.object)
            return Link(name: link.name, object: link.object, isGroup: o.isGroup, isDataset: o.isDataset, address: o.address)
        }
        if byName, out.count > 1, out.allSatisfy({ HDF5File.isDecimal($0.name) }) {
            out.sort { HDF5File.numericLess($0.name, $1.name) }
        }
        return out
    }

    /// The object at the absolute `path` (through hard links), or nil.
    func object(at path: String) -> Int? {
        var current = HDF5File.root
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if linksByName[current] == nil {
                guard case .group(.success(let links), _) = object(current).body else { return nil }
                var names: [String: Int] = [:]
                for link in links where names[link.name] == nil { names[link.name] = link.object }
                linksByName[current] = names
            }
            guard let next = linksByName[current]?[String(part)] else { return nil }
            current = next
        }
        return current
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
