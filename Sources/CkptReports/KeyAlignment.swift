import CkptCore
import OrderedCollections

/// A checkpoint's tensors under the names a model will load them as: `--map` rules first, then (with
/// `--match shape`) differently named tensors paired with model keys by registration order and shape.
public struct KeyAlignment: Sendable {
    /// The tensors, in the checkpoint's order, under their new names.
    public var tensors: OrderedDictionary<String, TensorEntry>
    /// Checkpoint key → the key it was renamed to, for every key the rules or the matching changed.
    public var renamed: [(from: String, to: String)]
    /// What `--match shape` left ambiguous (one line per group), for the report's diagnosis.
    public var notes: [String]

    /// Aligns `tensors` to a model whose state_dict keys and shapes are `modelShapes` (in registration order).
    /// Throws `KeyMapError` when the rules would merge two keys.
    public init(_ tensors: OrderedDictionary<String, TensorEntry>, modelShapes: [(key: String, shape: [Int])],
                keyMap: KeyMap, matchShapes: Bool) throws {
        var renamed = keyMap.renamed(tensors.keys)
        var mapped = try keyMap.apply(to: tensors)
        notes = []
        if matchShapes {
            let (pairs, ambiguities) = ShapeMatcher.match(model: modelShapes, checkpoint: mapped.map { (key: $0.key, shape: $0.value.shape) })
            notes = ambiguities.map(\.description)
            let target = Dictionary(uniqueKeysWithValues: pairs.map { ($0.from, $0.to) })
            var rekeyed = OrderedDictionary<String, TensorEntry>()
            for (k, v) in mapped { rekeyed[target[k] ?? k] = v }
            mapped = rekeyed
            let original = Dictionary(uniqueKeysWithValues: renamed.map { ($0.to, $0.from) })
            renamed = renamed.filter { target[$0.to] == nil } + pairs.map { (original[$0.from] ?? $0.from, $0.to) }
        }
        self.tensors = mapped
        self.renamed = renamed
    }
}
