import CkptCore

/// The Keras 2 / legacy `.h5` layout (FORMATS.md 5.2): a weights group (the root for `save_weights`,
/// `/model_weights` for a full-model save) whose `layer_names` attribute lists the layers in order, each
/// layer group listing its weights in `weight_names`; long lists are split into `layer_names0`,
/// `layer_names1`, …; strings are fixed- or variable-length.
///
/// Keys: `<layer>.<weight path after the layer name>`, with `/` → `.` and TensorFlow's `:0` suffix dropped:
/// layer `dense`, weight `dense/kernel:0` → `dense.kernel`; Keras 3's `sequential/bn/gamma` in layer `bn` →
/// `bn.gamma`; a nested model's layer `model_1` with weight `dense_1/kernel:0` → `model_1.dense_1.kernel`.
/// When that would repeat a key, the whole weight path is used instead. The optimizer group of a full-model
/// save follows as `optimizer_weights.<weight path>`. Datasets the lists do not name are added afterwards
/// under their group paths, so nothing is dropped.
struct KerasLegacyLayout {
    /// The group holding the weights: "/" or "/model_weights".
    let group: String
    let layers: [String]

    /// The layout of `h5`, or nil when it is not a Keras legacy file.
    static func find(_ h5: HDF5File) throws -> KerasLegacyLayout? {
        for group in ["/", "/model_weights"] {
            guard let index = h5.object(at: group) else { continue }
            if let names = try list("layer_names", of: index, path: group, in: h5) {
                return KerasLegacyLayout(group: group, layers: names)
            }
        }
        return nil
    }

    /// The string list in attribute `name` of `path`, or in its chunks `name0`, `name1`, … when it was split.
    static func list(_ name: String, of index: Int, path: String, in h5: HDF5File) throws -> [String]? {
        if let v = try h5.attribute(name, of: index) {
            guard let s = v.strings else { throw CheckpointError.malformed("Keras attribute '\(name)' of '\(path)' is not a list of strings") }
            return s
        }
        var out: [String]?
        var i = 0
        while let v = try h5.attribute("\(name)\(i)", of: index) {
            guard let s = v.strings else { throw CheckpointError.malformed("Keras attribute '\(name)\(i)' of '\(path)' is not a list of strings") }
            out = (out ?? []) + s
            i += 1
        }
        return out
    }

    /// The key path for weight `weight` of layer `layer` (see the type's comment).
    static func keyPath(layer: String, weight: String) -> [String] {
        var parts = weight.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if let last = parts.last, let colon = last.lastIndex(of: ":"), HDF5File.isDecimal(String(last[last.index(after: colon)...])) {
            parts[parts.count - 1] = String(last[..<colon])
        }
        if let i = parts.firstIndex(of: layer) { parts.removeFirst(i + 1) }
        return [layer] + parts
    }

    /// Adds the listed weights, in layer and weight order, then the optimizer's.
    func read(into tree: inout HDF5Tree) throws {
        let h5 = tree.h5
        // The layer list is structure, not metadata (`layer_names`, or its chunks `layer_names0`, …).
        let isLayerList = { (name: String) in name.hasPrefix("layer_names") && HDF5File.isDecimal(String(name.dropFirst(11))) || name == "layer_names" }
        try tree.recordAttributes(of: HDF5File.root, "/", isDataset: false, skip: isLayerList)
        if group != "/", let index = h5.object(at: group) {
            try tree.recordAttributes(of: index, group, isDataset: false, skip: isLayerList)
        }
        var used = Set<[String]>()
        for layer in layers {
            let layerPath = HDF5File.join(group, layer)
            guard let layerIndex = h5.object(at: layerPath),
                  let weights = try KerasLegacyLayout.list("weight_names", of: layerIndex, path: layerPath, in: h5) else {
                throw CheckpointError.malformed("Keras layer '\(layer)' has no weight_names")
            }
            for weight in weights {
                var key = KerasLegacyLayout.keyPath(layer: layer, weight: weight)
                if used.contains(key) { key = [layer] + weight.split(separator: "/").map(String.init) }
                try add(HDF5File.join(layerPath, weight), key: key, into: &tree)
                used.insert(key)
            }
        }
        if group != "/", let optimizer = h5.object(at: "/optimizer_weights"),
           let weights = try KerasLegacyLayout.list("weight_names", of: optimizer, path: "/optimizer_weights", in: h5) {
            for weight in weights {
                let key = ["optimizer_weights"] + KerasLegacyLayout.keyPath(layer: "", weight: weight).dropFirst()
                try add("/optimizer_weights/" + weight, key: key, into: &tree)
            }
        }
    }

    private func add(_ path: String, key: [String], into tree: inout HDF5Tree) throws {
        guard let index = tree.h5.object(at: path), tree.h5.object(index).isDataset else {
            throw CheckpointError.malformed("Keras weight '\(path)' is missing")
        }
        tree.insert(try tree.dataset(index, path, key: key), at: key)
    }
}
