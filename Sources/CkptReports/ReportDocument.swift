import OrderedCollections

/// What `ckpt report` draws, and the JSON the page carries (`report --json` prints it): for one checkpoint its
/// `inspect --stats` report (with a histogram per tensor) and its `count` report; for two, each side's
/// metadata and counts, their `diff` report, and the change per module and per layer with a heat map per changed
/// tensor. The numbers are those of the reports it holds: `inspect`, `count` and `diff` are the documents those
/// commands print with `--json` (plus histograms); `modules` and `layers` merge `diff`'s per-key statistics.
public struct ReportDocument: Encodable, Sendable {
    /// One checkpoint: its tensors, counts, and its parameters grouped by module (the treemap).
    public struct Side: Encodable, Sendable {
        public var inspect: InspectReport
        public var count: CountReport
        /// The parameters (every tensor but the buffers `count` counts apart) by module, with subtotals.
        public var tree: InspectTree
        /// The keys `count` counts as buffers.
        public var buffers: [String]

        public init(inspect: InspectReport, count: CountReport) {
            self.inspect = inspect
            self.count = count
            buffers = count.bufferKeys
            let buffers = Set(count.bufferKeys)
            // The tree is the page's structure: keys, shapes and sizes; the values' figures are in `inspect`.
            let parameters = inspect.tensors.filter { !buffers.contains($0.key) }.map { row -> InspectReport.Row in
                var r = row
                r.stats = nil
                r.histogram = nil
                return r
            }
            // A file that sorts its keys by name (safetensors) lists layers.10 before layers.2: draw them in model order.
            let keys = parameters.map(\.key)
            let sorted = zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }
            tree = InspectTree(rows: sorted ? parameters.sorted { ReportDocument.naturalLess($0.key, $1.key) } : parameters)
        }
    }

    /// Keys sharing a pattern (`layers.{0..3}.attn.weight`), for the lists of keys on one side only.
    public struct KeyGroup: Encodable, Sendable, Equatable {
        public var pattern: String
        public var keys: [String]
    }

    public var a: Side
    public var b: Side?
    public var diff: DiffReport?
    /// Every module's change (with `diff`), in model order.
    public var modules: [ModuleChange]?
    /// Every layer's change (with `diff`), in model order: the per-layer chart.
    public var layers: [ModuleChange]?
    /// `diff`'s only-in-A and only-in-B keys grouped as the text report groups them.
    public var onlyInAGroups: [KeyGroup]?
    public var onlyInBGroups: [KeyGroup]?
    /// `diff`'s |a − b| maps.
    public var heatmaps: [DeltaHeatmap]?

    enum CodingKeys: String, CodingKey {
        case a, b, diff, modules, layers, heatmaps
        case onlyInAGroups = "only_in_a_groups", onlyInBGroups = "only_in_b_groups"
    }

    /// The report of one checkpoint.
    public init(checkpoint: Side) {
        a = checkpoint
    }

    /// The report of `diff`, the comparison of `a` with `b` (their keys as compared, after any renaming).
    public init(a: Side, b: Side, diff: DiffReport) {
        self.a = a
        self.b = b
        self.diff = diff
        heatmaps = diff.heatmaps
        let keys = Self.modelOrder(a.inspect.tensors.map(\.key), b.inspect.tensors.map(\.key))
        modules = ModuleChange.modules(diff, keys: keys)
        layers = ModuleChange.layers(diff, keys: keys)
        onlyInAGroups = KeyRanges.group(diff.onlyInA).map { KeyGroup(pattern: $0.pattern, keys: $0.keys) }
        onlyInBGroups = KeyRanges.group(diff.onlyInB).map { KeyGroup(pattern: $0.pattern, keys: $0.keys) }
    }

    /// Both sides' keys in model order: the order of a side whose file keeps it (a `.pt`'s registration order), not
    /// of one that sorts its keys (safetensors writes them sorted by name); when both are sorted, sorted with
    /// numbered components as numbers (`layers.2` before `layers.10`). Keys of the other side follow.
    static func modelOrder(_ a: [String], _ b: [String]) -> [String] {
        let sorted = { (keys: [String]) in zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 } }
        let first = !sorted(a) || sorted(b) ? a : b, second = first == a ? b : a
        let known = Set(first)
        let all = first + second.filter { !known.contains($0) }
        guard sorted(a) && sorted(b) else { return all }
        return all.sorted { naturalLess($0, $1) }
    }

    /// `layers.2.w` < `layers.10.w`: dotted components compared as numbers when both are.
    static func naturalLess(_ x: String, _ y: String) -> Bool {
        let p = x.split(separator: ".", omittingEmptySubsequences: false), q = y.split(separator: ".", omittingEmptySubsequences: false)
        for (u, v) in zip(p, q) where u != v {
            if let i = Int(u), let j = Int(v) { return i < j }
            return u < v
        }
        return p.count < q.count
    }
}
