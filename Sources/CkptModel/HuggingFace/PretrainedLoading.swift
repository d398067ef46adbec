import CkptCore
import CkptNN
import CkptTensor
import Foundation
import OrderedCollections

/// How transformers' `from_pretrained` loads a class, where it differs from `load_state_dict`:
/// - keys renamed as its legacy conversions do (`LayerNorm.gamma`/`beta` → `weight`/`bias`);
/// - `base_model_prefix` stripped from or added to a key when that makes it one of the model's (a `bert.`-prefixed
///   task checkpoint into `BertModel`, a `GPT2Model` checkpoint into `GPT2LMHeadModel`);
/// - unexpected keys the class ignores (`_keys_to_ignore_on_load_unexpected`, plus `rotary_emb.inv_freq` and
///   `position_ids` when the model has such buffers) are dropped;
/// - a tied weight (`lm_head.weight` under `tie_word_embeddings`) is taken from its source: absent from the file it
///   is not missing, present it is not used.
public struct PretrainedLoading: Sendable {
    /// The attribute holding the base model (`model`, `transformer`, `bert`).
    public var baseModelPrefix: String
    /// Regular expressions of unexpected keys the class ignores (searched, as transformers does).
    public var ignoredUnexpected: [String]
    /// Tied weights: target key → the key it is tied to.
    public var tied: [String: String]

    /// transformers' "legacy" renames, applied to every checkpoint key.
    public static let legacyRenames = [("LayerNorm.gamma", "LayerNorm.weight"), ("LayerNorm.beta", "LayerNorm.bias")]

    public init(baseModelPrefix: String, ignoredUnexpected: [String] = [], tied: [String: String] = [:]) {
        self.baseModelPrefix = baseModelPrefix
        self.ignoredUnexpected = ignoredUnexpected
        self.tied = tied
    }

    /// The checkpoint's tensors under the names `from_pretrained` loads them as into `module`, without the ones it
    /// ignores, and a note per rule that changed something.
    public func adapt(_ tensors: OrderedDictionary<String, TensorEntry>, into module: Module)
        -> (tensors: OrderedDictionary<String, TensorEntry>, notes: [String]) {
        let own = module.stateDict()
        var out = OrderedDictionary<String, TensorEntry>()
        var legacy = 0, stripped = 0, added = 0
        var ignored: [String] = []
        let patterns = ignorePatterns(module).compactMap { try? NSRegularExpression(pattern: $0) }
        for (original, entry) in tensors {
            var key = original
            for (from, to) in Self.legacyRenames where key.contains(from) { key = key.replacingOccurrences(of: from, with: to) }
            if key != original { legacy += 1 }
            let prefix = baseModelPrefix + "."
            if !baseModelPrefix.isEmpty, own[key] == nil {
                if key.hasPrefix(prefix), own[String(key.dropFirst(prefix.count))] != nil {
                    key = String(key.dropFirst(prefix.count)); stripped += 1
                } else if own[prefix + key] != nil {
                    key = prefix + key; added += 1
                }
            }
            if own[key] == nil, patterns.contains(where: { $0.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil }) {
                ignored.append(original)
                continue
            }
            if out[key] == nil { out[key] = entry }
        }
        var notes: [String] = []
        if legacy > 0 { notes.append("\(legacy) LayerNorm gamma/beta key(s) read as weight/bias, as from_pretrained does") }
        if stripped > 0 {
            notes.append("\(stripped) key(s) under '\(baseModelPrefix).' loaded without it (\(module.typeName)'s base_model_prefix), as from_pretrained does")
        }
        if added > 0 {
            notes.append("\(added) key(s) of the base model loaded under '\(baseModelPrefix).' (\(module.typeName)'s base_model_prefix), as from_pretrained does")
        }
        if !ignored.isEmpty {
            notes.append("\(ignored.count) key(s) \(module.typeName) ignores when loading (\(Self.sample(ignored))) left out, as from_pretrained does")
        }
        for (target, source) in tied.sorted(by: { $0.key < $1.key }) where out[target] != nil && out[source] != nil {
            out.removeValue(forKey: target)
            notes.append("'\(target)' in the checkpoint is not used: it is tied to '\(source)' (tie_word_embeddings), as from_pretrained ties it")
        }
        return (out, notes)
    }

    /// `report` with the tied weights whose source loaded no longer missing, and a note for them.
    public func forgiveTies(_ report: LoadReport) -> (report: LoadReport, notes: [String]) {
        var report = report
        let loaded = Set(report.loaded)
        let forgiven = report.missingKeys.filter { tied[$0].map(loaded.contains) ?? false }
        guard !forgiven.isEmpty else { return (report, []) }
        report.missingKeys.removeAll { forgiven.contains($0) }
        return (report, forgiven.map { "'\($0)' is tied to '\(tied[$0] ?? "")' (tie_word_embeddings): absent from the checkpoint, as from_pretrained expects" })
    }

    /// The class's patterns plus transformers' two added for every model with such buffers.
    func ignorePatterns(_ module: Module) -> [String] {
        let buffers = module.namedBuffers().map(\.0)
        var patterns = ignoredUnexpected
        if buffers.contains(where: { $0.hasSuffix("rotary_emb.inv_freq") }) { patterns.append(#"rotary_emb\.inv_freq"#) }
        if buffers.contains(where: { $0.hasSuffix("position_ids") }) { patterns.append(#"(^|\.)position_ids$"#) }
        return patterns
    }

    static func sample(_ keys: [String]) -> String {
        keys.count <= 3 ? keys.joined(separator: ", ") : keys.prefix(2).joined(separator: ", ") + ", …"
    }
}
