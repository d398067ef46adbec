/// `--match shape`: pairs checkpoint keys with differently named model keys by shape and by the last name component
/// (`weight`, `bias`, `running_mean`), in registration order, refusing pairs that could swap.
public enum ShapeMatcher {
    public struct Ambiguity: CustomStringConvertible, Sendable, Equatable {
        public var shape: [Int]
        public var modelKeys: [String]
        public var checkpointKeys: [String]
        public var description: String {
            "--match shape left ambiguous: model keys \(modelKeys.joined(separator: ", ")) and checkpoint keys "
                + "\(checkpointKeys.joined(separator: ", ")) all have shape \(shape) and could swap; map them with --map"
        }
    }

    /// Checkpoint key → model key for every unmatched model key that has exactly one unmatched checkpoint key of the
    /// same shape and leaf name, and the groups left unmatched because two or more on each side share one.
    public static func match(model: [(key: String, shape: [Int])], checkpoint: [(key: String, shape: [Int])])
        -> (pairs: [(from: String, to: String)], ambiguities: [Ambiguity]) {
        let modelKeys = Set(model.map(\.key)), checkpointKeys = Set(checkpoint.map(\.key))
        let freeModel = model.filter { !checkpointKeys.contains($0.key) }
        let freeCheckpoint = checkpoint.filter { !modelKeys.contains($0.key) }
        func signature(_ key: String, _ shape: [Int]) -> String { "\(shape)|" + (key.split(separator: ".").last.map(String.init) ?? key) }
        var byModel: [String: [String]] = [:], byCheckpoint: [String: [String]] = [:]
        for (k, s) in freeModel { byModel[signature(k, s), default: []].append(k) }
        for (k, s) in freeCheckpoint { byCheckpoint[signature(k, s), default: []].append(k) }
        var pairs: [(from: String, to: String)] = []
        var ambiguities: [Ambiguity] = []
        for (k, s) in freeModel {
            let sig = signature(k, s)
            guard let candidates = byCheckpoint[sig], let owners = byModel[sig] else { continue }
            if candidates.count == 1 && owners.count == 1 {
                pairs.append((candidates[0], k))
            } else if candidates.count > 1 && owners.count > 1, owners.first == k {
                ambiguities.append(Ambiguity(shape: s, modelKeys: owners, checkpointKeys: candidates))
            }
        }
        let order = Dictionary(uniqueKeysWithValues: checkpoint.enumerated().map { ($0.element.key, $0.offset) })
        return (pairs.sorted { (order[$0.from] ?? 0) < (order[$1.from] ?? 0) }, ambiguities)
    }
}
