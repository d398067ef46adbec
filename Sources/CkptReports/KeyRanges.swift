/// Groups dotted keys that differ only in integer path components, so that a report shows
/// `layers.{0..11}.attn.in_proj_weight` once instead of twelve lines.
///
/// Keys are grouped one integer component at a time; groups that again differ in one integer component
/// merge too, so `layers.{0..11}.mlp.{0..1}.weight` stands for the 24 keys of that cartesian product
/// (and only when all of them are present). Groups keep the order of their first key.
public enum KeyRanges {
    /// Keys sharing one pattern.
    public struct Group: Sendable, Equatable {
        /// The keys with each varying integer component replaced by its set (`layers.{0..3,5}.weight`);
        /// the key itself for a group of one.
        public var pattern: String
        /// The member keys, in their input order.
        public var keys: [String]
    }

    /// Groups `keys` (distinct; duplicates are kept apart), in the order of each group's first key.
    public static func group<S: Sequence>(_ keys: S) -> [Group] where S.Element == String {
        var items: [Item] = []
        var seen = Set<String>()
        for (i, key) in keys.enumerated() {
            // A repeated key would make the product check lie; leave repeats as their own groups.
            let parts = seen.insert(key).inserted ? key.split(separator: ".", omittingEmptySubsequences: false).map(Part.init) : [.text(key)]
            items.append(Item(parts: parts, members: [i], keys: [key]))
        }
        while let merged = mergePass(items) { items = merged }
        return items.sorted { $0.members[0] < $1.members[0] }.map { Group(pattern: $0.pattern, keys: $0.orderedKeys) }
    }

    /// Patterns only, in order.
    public static func patterns<S: Sequence>(_ keys: S) -> [String] where S.Element == String {
        group(keys).map(\.pattern)
    }

    /// `{0..3,5}` for a set of integers: runs of three or more as `a..b`, others listed.
    public static func format(_ values: [Int]) -> String {
        let sorted = Array(Set(values)).sorted()
        guard sorted.count > 1 else { return sorted.first.map(String.init) ?? "{}" }
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            if j - i >= 2 {
                parts.append("\(sorted[i])..\(sorted[j])")
            } else {
                parts.append(contentsOf: sorted[i...j].map(String.init))
            }
            i = j + 1
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    // MARK: - Internals

    enum Part: Hashable {
        case text(String)
        /// One or more integers at this position (one: a plain number in the key).
        case ints([Int])

        init(_ s: Substring) {
            // Only canonical decimals, so that the pattern reproduces the key exactly ("01" stays text).
            if let v = Int(s), v >= 0, String(v) == s { self = .ints([v]) } else { self = .text(String(s)) }
        }

        var text: String {
            switch self {
            case .text(let s): return s
            case .ints(let v): return KeyRanges.format(v)
            }
        }
    }

    struct Item {
        var parts: [Part]
        /// Input positions of the member keys (sorted ascending).
        var members: [Int]
        var keys: [String]

        var pattern: String { parts.map(\.text).joined(separator: ".") }
        var orderedKeys: [String] { zip(members, keys).sorted { $0.0 < $1.0 }.map(\.1) }
    }

    /// The parts with position `j` blanked: items with equal signatures differ only at `j`.
    struct Signature: Hashable {
        var position: Int
        var parts: [Part]
    }

    /// One round of merging; nil when nothing merged. Each item joins the largest candidate group it belongs
    /// to (ties go to the leftmost position), taken in order of first appearance.
    static func mergePass(_ items: [Item]) -> [Item]? {
        var buckets: [Signature: [Int]] = [:]
        var signatures: [[Signature]] = []
        for (index, item) in items.enumerated() {
            var sigs: [Signature] = []
            for (j, part) in item.parts.enumerated() {
                guard case .ints = part else { continue }
                var blanked = item.parts
                blanked[j] = .text("")
                let sig = Signature(position: j, parts: blanked)
                sigs.append(sig)
                buckets[sig, default: []].append(index)
            }
            signatures.append(sigs)
        }
        var taken = [Bool](repeating: false, count: items.count)
        var out: [Item] = []
        var mergedAny = false
        for index in items.indices where !taken[index] {
            var best: (Signature, [Int])?
            for sig in signatures[index] {
                let group = buckets[sig, default: []].filter { !taken[$0] }
                if group.count >= 2, group.count > (best?.1.count ?? 0) { best = (sig, group) }
            }
            guard let (sig, group) = best else {
                taken[index] = true
                out.append(items[index])
                continue
            }
            var merged = items[group[0]]
            var values: [Int] = []
            for g in group {
                taken[g] = true
                if case .ints(let v) = items[g].parts[sig.position] { values += v }
                if g != group[0] {
                    merged.members += items[g].members
                    merged.keys += items[g].keys
                }
            }
            merged.parts[sig.position] = .ints(values.sorted())
            out.append(merged)
            mergedAny = true
        }
        return mergedAny ? out : nil
    }
}
