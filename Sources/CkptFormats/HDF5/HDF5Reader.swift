import CHDF5
import CkptCore
import OrderedCollections

/// Reads HDF5 checkpoints through libhdf5: h5py's flat files (`f[key] = array`), nested groups, Keras 2 /
/// legacy `.h5` (see `KerasLegacyLayout`) and Keras 3 `.weights.h5`.
///
/// Keys: a group path maps to a key by joining its names with `.` (`enc/block.0/w` → `enc.block.0.w`; a
/// dataset whose name contains dots stays one key). Order: a group's creation order when the file tracks it
/// (h5py's `track_order=True`, every file ckpt writes), else name order — with all-digit names sorted
/// numerically, so Keras 3 `vars/0 … vars/10` keep their variable order. Tensors stay in the mapped file
/// (contiguous datasets) or are read by `H5Dread` when asked (chunked, compressed, compact). Hard links to one
/// dataset share one storage. Root attributes go to `StateDict.attributes` by name, other objects' attributes
/// as `path@name`; string datasets are metadata.
public enum HDF5Reader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        try HDF5Library.locked { try read(HDF5File(file)) }
    }

    /// How long the crash probe may take to walk a file's metadata.
    static let probeTimeoutMilliseconds: Int32 = 60_000

    /// Reads an opened file; the caller holds the library lock.
    static func read(_ h5: HDF5File) throws -> StateDict {
        // libhdf5 1.10 can crash on corrupt metadata; a forked child walks it first (see shim.h).
        switch ckpt_h5_probe(h5.id, h5.size, probeTimeoutMilliseconds) {
        case 1: throw CheckpointError.malformed("corrupt HDF5 metadata (libhdf5 crashes reading it)")
        case 2: throw CheckpointError.malformed("libhdf5 did not finish walking the file's metadata in \(probeTimeoutMilliseconds / 1000) s")
        case 3: throw CheckpointError.tooLarge("HDF5 metadata declares a value needing over 1 GiB (corrupt?)")
        default: break  // 0: clean; -1: no child could be started, read without the probe
        }
        var tree = HDF5Tree(h5)
        if let legacy = try KerasLegacyLayout.find(h5) {
            try legacy.read(into: &tree)
            try tree.walk("/", prefix: [], skipSeen: true)
        } else {
            try tree.walk("/", prefix: [], skipSeen: false)
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
    var seen: [haddr_t: CheckpointValue] = [:]
    private var groupsOnPath: Set<haddr_t> = []
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

    /// The dataset at `path` as a value, shared with an earlier link to the same object.
    mutating func dataset(_ path: String, address: haddr_t, key: [String]) throws -> CheckpointValue {
        if let v = seen[address] { return v }
        let v = try h5.value(ofDataset: path, key: key.joined(separator: "."))
        seen[address] = v
        return v
    }

    /// Records the attributes of the object at `path` (`dtype`, which marks bf16 datasets, is consumed).
    mutating func recordAttributes(of path: String, isDataset: Bool, skip: (String) -> Bool = { _ in false }) throws {
        for name in try h5.attributeNames(of: path) where !skip(name) && !(isDataset && name == "dtype") {
            guard let v = try h5.attribute(name, of: path) else { continue }
            attributes[path == "/" ? name : String(path.dropFirst()) + "@" + name] = v.text
        }
    }

    /// Adds every dataset below the group `path` in iteration order; with `skipSeen`, datasets already
    /// added (through the Keras lists) are left out.
    mutating func walk(_ path: String, prefix: [String], skipSeen: Bool, depth: Int = 0) throws {
        guard depth < HDF5Tree.maxDepth else { throw CheckpointError.malformed("groups nested deeper than \(HDF5Tree.maxDepth) at '\(path)'") }
        if !skipSeen { try recordAttributes(of: path, isDataset: false) }
        for link in try h5.links(of: path) {
            let child = HDF5File.join(path, link.name)
            let key = prefix + [link.name]
            if link.isGroup {
                // A hard link back to an enclosing group would loop forever.
                guard !groupsOnPath.contains(link.address) else { continue }
                groupsOnPath.insert(link.address)
                defer { groupsOnPath.remove(link.address) }
                try walk(child, prefix: key, skipSeen: skipSeen, depth: depth + 1)
            } else if link.isDataset {
                if skipSeen, seen[link.address] != nil { continue }
                insert(try dataset(child, address: link.address, key: key), at: key)
                if !skipSeen { try recordAttributes(of: child, isDataset: true) }
            }
        }
    }
}
