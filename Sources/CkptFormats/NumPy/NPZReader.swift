import CkptCore
import OrderedCollections

/// Reads a `.npz` (a zip of `<key>.npy` members, STORED by `np.savez`, DEFLATE by `np.savez_compressed`).
/// Keys are member names without `.npy`, in archive order. Only each member's header is read (inflated
/// prefix for DEFLATE); STORED data stays mapped, DEFLATE data is inflated when a command needs values.
public enum NPZReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        let zip = try ZipArchive(file)
        var tensors = OrderedDictionary<String, TensorEntry>()
        for entry in zip.entries {
            guard entry.name.hasSuffix(".npy") else {
                throw CheckpointError.unsupported("npz member '\(entry.name)' is not a .npy array")
            }
            let key = String(entry.name.dropLast(4))
            do {
                let header = try NPYHeader.parse(size: entry.uncompressedSize) { try zip.prefix(entry, count: $0) }
                tensors[key] = try header.tensor(in: try zip.data(entry), key: key)
            } catch let e as CheckpointError {
                throw e.prefixed("npz member '\(entry.name)': ")
            }
        }
        return StateDict(tensors: tensors)
    }
}
