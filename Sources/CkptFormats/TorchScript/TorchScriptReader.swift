import CkptCore
import OrderedCollections

/// Reads a TorchScript archive (`torch.jit.save`, FORMATS-MORE.md 2) as what `torch.jit.load(f).state_dict()`
/// gives: `data.pkl` is unpickled by the restricted reader into opaque `__torch__` objects holding their
/// attributes, and the module tree is walked as `Module.state_dict` walks it — each module's parameters, then its
/// buffers, then its submodules, in attribute order. Which attributes are parameters and buffers, and which
/// objects are modules, comes from the class source in `code/` (read, never run); tensor attributes listed in
/// neither are not state_dict entries. Storages stay in the mapped file; `bufferKeys` records the split for `count`.
public enum TorchScriptReader: CheckpointReader {
    /// Largest class source file read (real ones are a few KB).
    static let maxSourceSize = 16 << 20
    /// Most module objects visited (a module shared under many names is visited under each, as torch does).
    static let maxModuleVisits = 1_000_000

    public static func read(_ file: MappedFile) throws -> StateDict {
        let archive = try ZipArchive(file)
        let entries = try TorchZipReader.entries(archive)
        if entries.keys.contains(where: { $0 == "model.json" || $0.hasSuffix("/model.json") }), !entries.keys.contains(where: { $0.hasSuffix("data.pkl") }) {
            throw CheckpointError.unsupported("a TorchScript archive from PyTorch before 1.3 (model.json), which ckpt does not read")
        }
        let dir = try TorchZipReader.archiveFolder(entries)
        guard let pickle = entries[dir + "data.pkl"] else { throw CheckpointError.malformed("TorchScript archive has no \(dir)data.pkl") }
        let unpickler = TorchScriptUnpickler(loadStorage: try TorchZipReader.storageLoader(archive, entries, folder: dir, records: "data/"))
        var walker = Walker(archive: archive, entries: entries, folder: dir)
        try archive.data(pickle).withUnsafeBytes { bytes in
            try unpickler.withTopValue(bytes) { root in
                guard let object = root.node, case .call(let name) = object.kind, TorchScriptUnpickler.isScriptClass(name) else {
                    throw CheckpointError.malformed("TorchScript data.pkl holds a \(root.typeName), not a __torch__ module")
                }
                try walker.module(object, name: name, prefix: "", depth: 0)
            }
        }
        var stateDict = StateDict(tensors: walker.tensors)
        stateDict.bufferKeys = walker.buffers
        return stateDict
    }

    /// The state_dict walk over the unpickled objects.
    struct Walker {
        let archive: ZipArchive
        let entries: [String: ZipArchive.Entry]
        let folder: String
        var tensors = OrderedDictionary<String, TensorEntry>()
        var buffers = Set<String>()
        private var sources: [String: [String: TorchScriptClass]] = [:]
        private var visits = 0

        init(archive: ZipArchive, entries: [String: ZipArchive.Entry], folder: String) {
            self.archive = archive
            self.entries = entries
            self.folder = folder
        }

        mutating func module(_ object: PickleNode, name: String, prefix: String, depth: Int) throws {
            visits += 1
            guard visits <= TorchScriptReader.maxModuleVisits, depth <= PickleValue.maxDepth else {
                throw CheckpointError.tooLarge("TorchScript module tree is deeper than \(PickleValue.maxDepth) or has more than \(TorchScriptReader.maxModuleVisits) modules (or refers to itself)")
            }
            let cls = try lookup(name) ?? TorchScriptClass(isModule: false)
            guard let state = object.state?.node, state.isDict else {
                throw CheckpointError.malformed("TorchScript module \(name) has no attribute dict")
            }
            for (names, isBuffer) in [(cls.parameters, false), (cls.buffers, true)] {
                let wanted = Set(names)
                for (key, value) in state.entries where wanted.contains(key.description) {
                    switch value {
                    case .none: continue
                    case .tensor(var t):
                        // state_dict() holds detached tensors.
                        t.requiresGrad = false
                        let full = prefix + key.description
                        if tensors[full] == nil { tensors[full] = t }
                        if isBuffer { buffers.insert(full) } else { buffers.remove(full) }
                    default:
                        throw CheckpointError.malformed("TorchScript \(isBuffer ? "buffer" : "parameter") \(prefix)\(key) is a \(value.typeName), not a tensor")
                    }
                }
            }
            for (key, value) in state.entries {
                guard let child = value.node, case .call(let childName) = child.kind, TorchScriptUnpickler.isScriptClass(childName),
                      try lookup(childName)?.isModule == true else { continue }
                try module(child, name: childName, prefix: prefix + key.description + ".", depth: depth + 1)
            }
        }

        /// The class `__torch__.a.b.C` from `code/__torch__/a/b.py`; nil for TorchBind classes
        /// (`__torch__.torch.classes.*`, defined in C++, never modules).
        mutating func lookup(_ qualified: String) throws -> TorchScriptClass? {
            if qualified.hasPrefix("__torch__.torch.classes.") { return nil }
            guard let dot = qualified.lastIndex(of: ".") else { return nil }
            let module = String(qualified[..<dot]), name = String(qualified[qualified.index(after: dot)...])
            let path = "code/" + module.split(separator: ".").joined(separator: "/") + ".py"
            if sources[path] == nil {
                guard let entry = entries[folder + path] else {
                    throw CheckpointError.malformed("TorchScript class \(qualified) has no source \(folder)\(path)")
                }
                guard entry.uncompressedSize <= TorchScriptReader.maxSourceSize else {
                    throw CheckpointError.tooLarge("\(folder)\(path) is \(entry.uncompressedSize) bytes")
                }
                let text = String(decoding: try archive.data(entry).load(), as: UTF8.self)
                sources[path] = try TorchScriptClass.parse(text, file: folder + path)
            }
            guard let cls = sources[path]?[name] else {
                throw CheckpointError.malformed("\(folder)\(path) does not define class \(name)")
            }
            return cls
        }
    }
}
