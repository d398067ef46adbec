import CkptCore
import OrderedCollections

/// Reads HDF5 checkpoints through libhdf5, which runs only in a guarded child process (`HDF5File`): h5py's flat files (`f[key] = array`), nested groups, Keras 2 /
/// legacy `.h5` (see `KerasLegacyLayout`) and Keras 3 `.weights.h5`.
///
/// Keys: a group path maps to a key by joining its names with `.` (`enc/block.0/w` → `enc.block.0.w`; a
/// dataset whose name contains dots stays one key). Order: a group's creation order when the file tracks it
/// (h5py's `track_order=True`, every file ckpt writes), else name order — with all-digit names sorted
/// numerically, so Keras 3 `vars/0 … vars/10` keep their variable order. Tensors stay in the mapped file
/// (contiguous datasets) or are read by `H5Dread` in a child when asked (chunked, compressed, compact). Hard links to one
/// dataset share one storage. Root attributes go to `StateDict.attributes` by name, other objects' attributes
/// as `path@name`; string datasets are metadata.
public enum HDF5Reader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        try read(HDF5File(file))
    }

    /// Reads a described file.
    static func read(_ h5: HDF5File) throws -> StateDict {
        var tree = HDF5Tree(h5)
        if let legacy = try KerasLegacyLayout.find(h5) {
            try legacy.read(into: &tree)
            try tree.walk(HDF5File.root, "/", prefix: [], skipSeen: true)
        } else {
            try tree.walk(HDF5File.root, "/", prefix: [], skipSeen: false)
        }
        return StateDict(root: .dict(tree.root), attributes: tree.attributes)
    }
}

/// The state of one read: the nested dict being built, the attributes, and datasets already seen by address.
struct HDF5Tree {
    let h5: HDF5File
    var root = CheckpointDict(isOrdered: true)
    var attributes = OrderedDictionary<String, String>()
    /// Tensors by dataset address: a second hard link to a dataset shares its storage.
    var seen: [UInt64: CheckpointValue] = [:]
    private var groupsOnPath: Set<UInt64> = []
    static let maxDepth = 64

    init(_ h5: HDF5File) { self.h5 = h5 }

    /// Adds `value` at the nested key path `keys` (each level a dict, file order kept).
    mutating func insert(_ value: CheckpointValue, at keys: [String]) {
        func put(_ dict: inout CheckpointDict, _ keys: ArraySlice<String>) {
            guard let first = keys.first else { return }
            if keys.count == 1 { dict[first] = value; return }
            var child = dict[first]?.dict ?? CheckpointDict(isOrdered: true)
            put(&child, keys.dropFirst())
            dict[first] = .dict(child)
        }
        put(&root, keys[...])
    }

    /// The dataset `index` (at `path`) as a value, shared with an earlier link to the same object.
    mutating func dataset(_ index: Int, _ path: String, key: [String]) throws -> CheckpointValue {
        let address = h5.object(index).address
        if let v = seen[address] { return v }
        let v = try h5.value(ofDataset: index, path: path, key: key.joined(separator: "."))
        seen[address] = v
        return v
    }

    /// Records the attributes of object `index` at `path` (`dtype`, which marks bf16 datasets, is consumed).
    mutating func recordAttributes(of index: Int, _ path: String, isDataset: Bool, skip: (String) -> Bool = { _ in false }) throws {
        for name in try h5.attributeNames(of: index) where !skip(name) && !(isDataset && name == "dtype") {
            guard let v = try h5.attribute(name, of: index) else { continue }
            attributes[path == "/" ? name : String(path.dropFirst()) + "@" + name] = v.text
        }
    }

    /// Adds every dataset below the group `index` (at `path`) in iteration order; with `skipSeen`, datasets
    /// already added (through the Keras lists) are left out.
    mutating func walk(_ index: Int, _ path: String, prefix: [String], skipSeen: Bool, depth: Int = 0) throws {
        guard depth < HDF5Tree.maxDepth else { throw CheckpointError.malformed("groups nested deeper than \(HDF5Tree.maxDepth) at '\(path)'") }
        if !skipSeen { try recordAttributes(of: index, path, isDataset: false) }
        for link in try h5.links(of: index, path: path) {
            let child = HDF5File.join(path, link.name)
            let key = prefix + [link.name]
            if link.isGroup {
                // A hard link back to an enclosing group would loop forever.
                guard !groupsOnPath.contains(link.address) else { continue }
                groupsOnPath.insert(link.address)
                defer { groupsOnPath.remove(link.address) }
                try walk(link.object, child, prefix: key, skipSeen: skipSeen, depth: depth + 1)
            } else if link.isDataset {
                if skipSeen, seen[link.address] != nil { continue }
                insert(try dataset(link.object, child, key: key), at: key)
                if !skipSeen { try recordAttributes(of: link.object, child, isDataset: true) }
            }
        }
    }
}
