import CkptCore
import Foundation
import OrderedCollections

/// Reads a `torch.distributed.checkpoint` folder (`.metadata` + `*.distcp`, FORMATS-MORE.md 3) as one checkpoint,
/// the way `dcp_to_torch_save` sees it: every flattened key DCP records, nested again by `planner_data`; tensors
/// with their global shapes, reassembled from their chunks when their values are read (each chunk is a whole
/// `torch.save` zip inside a `.distcp` file, read by the torch reader); non-tensor items read at once as metadata.
/// Only `.metadata` is read up front: chunk bounds and tiling, and every storage region's place in its file, are
/// checked then; storage paths may not leave the folder.
public enum DCPReader: CheckpointReader {
    /// Largest `.metadata` read.
    static let maxMetadataSize = 1 << 30
    /// Deepest list index a planner path may ask for.
    static let maxListIndex = 1 << 20

    /// The `.metadata` file of the DCP folder `path` stands for (a folder holding `.metadata`); else nil.
    public static func metadataPath(ofFolder path: String) -> String? {
        var isDirectory: ObjCBool = false
        let metadata = (path as NSString).appendingPathComponent(".metadata")
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.fileExists(atPath: metadata) else { return nil }
        return metadata
    }

    /// True for a file named `.metadata` (what DCP calls it; the bytes are a plain pickle).
    static func isMetadataFile(_ path: String) -> Bool { (path as NSString).lastPathComponent == ".metadata" }

    /// Reads the checkpoint whose `.metadata` is `file`, with the `.distcp` files beside it.
    public static func read(_ file: MappedFile) throws -> StateDict {
        let folder = FolderMember.folder(of: file.path)
        guard file.size <= maxMetadataSize else { throw CheckpointError.tooLarge(".metadata is \(file.size) bytes") }
        let metadata: DCPMetadata
        do {
            metadata = try file.withBytes { bytes in
                try DCPMetadataUnpickler().withTopValue(bytes) { try DCPMetadata($0) }
            }
        } catch let e as CheckpointError {
            throw e.prefixed(".metadata: ")
        }
        var files = DCPFiles(folder: folder)
        var leaves: [(path: [DCPMetadata.PathPart], value: CheckpointValue)] = []
        for (fqn, item) in metadata.items {
            let value: CheckpointValue
            switch item {
            case .tensor(let dtype, let size, let chunks):
                try DCPChunks.checkTiling(chunks, size: size, fqn: fqn)
                let parts = try chunks.map { c -> (DCPMetadata.Chunk, MappedFile, DCPMetadata.Storage) in
                    guard let s = metadata.storage[.init(fqn: fqn, offsets: c.offsets)] else {
                        throw CheckpointError.malformed("DCP tensor '\(fqn)': no storage for its chunk at \(c.offsets)")
                    }
                    return (c, try files.region(s, fqn: fqn), s)
                }
                value = .tensor(try tensor(fqn, dtype: dtype, size: size, parts: parts, folder: folder))
            case .bytes:
                guard let s = metadata.storage[.init(fqn: fqn, offsets: nil)] else {
                    throw CheckpointError.malformed("DCP item '\(fqn)' has no storage")
                }
                value = try object(fqn, file: try files.region(s, fqn: fqn), s)
            }
            leaves.append((metadata.paths[fqn] ?? [.key(fqn)], value))
        }
        return StateDict(root: try DCPNesting.unflatten(leaves))
    }

    /// A lazy tensor whose bytes are its chunks copied into place.
    static func tensor(_ fqn: String, dtype: DType, size: [Int], parts: [(DCPMetadata.Chunk, MappedFile, DCPMetadata.Storage)],
                       folder: String) throws -> TensorEntry {
        guard let numel = TensorEntry.checkedNumel(size), case (let count, false) = numel.multipliedReportingOverflow(by: dtype.itemSize) else {
            throw CheckpointError.tooLarge("DCP tensor '\(fqn)' of size \(size) overflows")
        }
        let bytes = ByteSource.loader(count: count) {
            do {
                if parts.count == 1, parts[0].0.sizes == size { return try chunkBytes(parts[0], dtype: dtype, fqn: fqn) }
                var full = [UInt8](repeating: 0, count: count)
                for part in parts {
                    let chunk = try chunkBytes(part, dtype: dtype, fqn: fqn)
                    chunk.withUnsafeBytes { src in
                        full.withUnsafeMutableBytes { DCPChunks.copy(src, part.0, into: $0, size: size, itemSize: dtype.itemSize) }
                    }
                }
                return full
            } catch let e as CheckpointError {
                throw FileError(path: folder, e.prefixed("tensor '\(fqn)': "))
            }
        }
        return try TensorEntry(dtype: dtype, shape: size, storage: TensorStorage(key: fqn, dtype: dtype, bytes: bytes))
    }

    /// One chunk's contiguous little-endian bytes, from the `torch.save` zip it is stored as.
    static func chunkBytes(_ part: (DCPMetadata.Chunk, MappedFile, DCPMetadata.Storage), dtype: DType, fqn: String) throws -> [UInt8] {
        let (chunk, file, s) = part
        let root = try TorchZipReader.read(ZipArchive(file, offset: s.offset, count: s.length)).root
        guard case .tensor(let t) = root else { throw CheckpointError.malformed("its chunk at \(chunk.offsets) in \(s.relativePath) holds no tensor") }
        guard t.dtype == dtype, t.shape == chunk.sizes else {
            throw CheckpointError.malformed("its chunk at \(chunk.offsets) in \(s.relativePath) is \(t.dtype.rawValue) \(t.shape), the metadata says \(dtype.rawValue) \(chunk.sizes)")
        }
        return try t.contiguousBytes()
    }

    /// A non-tensor item (`torch.save(obj)`) through the weights-only reader; one it refuses is kept as `refused(reason)`.
    static func object(_ fqn: String, file: MappedFile, _ s: DCPMetadata.Storage) throws -> CheckpointValue {
        do {
            return try TorchZipReader.read(ZipArchive(file, offset: s.offset, count: s.length)).root
        } catch let e as CheckpointError where e.isUnsafe {
            return .object("refused", [.string(e.description)])
        } catch let e as CheckpointError {
            throw e.prefixed("DCP item '\(fqn)' in \(s.relativePath): ")
        }
    }
}

/// The `.distcp` files of a DCP folder, each mapped once; a storage path may not leave the folder.
struct DCPFiles {
    let folder: String
    private var mapped: [String: MappedFile] = [:]

    init(folder: String) { self.folder = folder }

    /// The file holding `s`, checked to contain its region.
    mutating func region(_ s: DCPMetadata.Storage, fqn: String) throws -> MappedFile {
        guard s.transforms.isEmpty else {
            throw CheckpointError.unsupported("DCP item '\(fqn)' is stored through transforms (\(s.transforms.joined(separator: ", "))), which ckpt does not read")
        }
        let file = try open(s.relativePath)
        guard s.offset <= file.size, s.length <= file.size - s.offset else {
            throw CheckpointError.malformed("DCP item '\(fqn)' is stored at \(s.offset)..<\(s.offset &+ s.length) of \(s.relativePath), which has \(file.size) bytes")
        }
        return file
    }

    private mutating func open(_ name: String) throws -> MappedFile {
        if let f = mapped[name] { return f }
        let path = try FolderMember.path(name, in: folder, what: "DCP storage file")
        do {
            let f = try MappedFile(path: path)
            mapped[name] = f
            return f
        } catch let e as CheckpointError {
            throw e.prefixed("\(name): ")
        }
    }
}
