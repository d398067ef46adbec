import CHDF5
import CkptCore
import Foundation

/// Checks the file's global heap collections (where variable-length strings live) before libhdf5 reads
/// them: libhdf5 1.10 trusts a collection's object sizes and copies past its buffers when one is corrupt
/// (a crash, not an error; HDF5 2.0 checks). Layout (HDF5 spec, "Global Heap"): "GCOL", version 1, three
/// reserved bytes, the collection size (a length-sized field), then objects of index (2 bytes), reference
/// count (2), reserved (4), size (length-sized) and data padded to 8; object 0 is the free space.
extension HDF5File {
    /// Throws when a global heap collection is inconsistent. Scans the bytes outside contiguous dataset data
    /// (so the tensors of a big file are not read) for collection headers.
    func validateGlobalHeaps() throws {
        let lengthSize = try sizeOfLengths()
        var extents = try contiguousExtents().sorted { $0.lowerBound < $1.lowerBound }
        extents.append(size ..< size)
        var gapStart = 0
        for extent in extents {
            if extent.lowerBound > gapStart {
                try scan(start, from: gapStart, to: min(extent.lowerBound, size), lengthSize: lengthSize)
            }
            gapStart = max(gapStart, extent.upperBound)
        }
    }

    private func scan(_ start: UnsafeRawPointer, from: Int, to: Int, lengthSize: Int) throws {
        let signature: [UInt8] = [0x47, 0x43, 0x4F, 0x4C, 0x01, 0x00, 0x00, 0x00]  // "GCOL", version 1, reserved
        var position = from
        while position + signature.count <= to {
            guard let hit = memchr(start + position, Int32(signature[0]), to - position - signature.count + 1) else { return }
            let offset = start.distance(to: UnsafeRawPointer(hit))
            if memcmp(start + offset, signature, signature.count) == 0 {
                try checkCollection(start, at: offset, lengthSize: lengthSize)
            }
            position = offset + 1
        }
    }

    private func checkCollection(_ start: UnsafeRawPointer, at offset: Int, lengthSize: Int) throws {
        func read(_ at: Int, _ width: Int) -> UInt64? {
            guard at >= 0, at + width <= size else { return nil }
            var v: UInt64 = 0
            for i in 0 ..< width { v |= UInt64(start.load(fromByteOffset: at + i, as: UInt8.self)) << (8 * UInt64(i)) }
            return v
        }
        let corrupt = CheckpointError.malformed("corrupt HDF5 global heap at byte \(offset)")
        let header = 8 + lengthSize
        guard let collectionSize = read(offset + 8, lengthSize), collectionSize >= UInt64(header),
              collectionSize <= UInt64(size - offset) else { throw corrupt }
        let end = offset + Int(collectionSize)
        var p = offset + header
        while p < end {
            if p + 8 + lengthSize > end { break }  // too small for an object: free space
            guard let index = read(p, 2), let objectSize = read(p + 8, lengthSize) else { throw corrupt }
            guard objectSize <= UInt64(end - p) else { throw corrupt }
            let need = index > 0 ? 8 + lengthSize + (Int(objectSize) + 7) / 8 * 8 : Int(objectSize)
            guard need > 0, need <= end - p else { throw corrupt }
            p += need
        }
    }

    /// The file's "size of lengths" (8 in every file h5py writes).
    private func sizeOfLengths() throws -> Int {
        let fcpl = try HDF5ID.checked(H5Fget_create_plist(id), "cannot read the file's properties", closer: H5Pclose)
        var addressSize = 0, lengthSize = 0
        try HDF5Library.check(H5Pget_sizes(fcpl.id, &addressSize, &lengthSize), "cannot read the file's properties")
        guard [2, 4, 8].contains(lengthSize) else { throw CheckpointError.unsupported("HDF5 lengths of \(lengthSize) bytes") }
        return lengthSize
    }

    /// Byte ranges of contiguous dataset data in the image, found by walking every group.
    private func contiguousExtents() throws -> [Range<Int>] {
        var out: [Range<Int>] = []
        var visited = Set<haddr_t>()
        var budget = 1 << 20
        func walk(_ path: String, depth: Int) throws {
            guard depth < HDF5Tree.maxDepth else { return }
            for link in try links(of: path) where visited.insert(link.address).inserted {
                budget -= 1
                guard budget > 0 else { return }
                let child = HDF5File.join(path, link.name)
                if link.isGroup { try walk(child, depth: depth + 1); continue }
                guard link.isDataset,
                      let dset = try? HDF5ID.checked(H5Dopen2(id, child, ckpt_H5P_DEFAULT()), "", closer: H5Dclose) else { continue }
                let address = H5Dget_offset(dset.id)
                let stored = H5Dget_storage_size(dset.id)
                _ = HDF5Library.lastError()
                guard address != ckpt_HADDR_UNDEF(), UInt64(address) < UInt64(size), stored > 0,
                      UInt64(stored) <= UInt64(size) - UInt64(address) else { continue }
                out.append(Int(address) ..< Int(address) + Int(stored))
            }
        }
        try walk("/", depth: 0)
        return out
    }
}
