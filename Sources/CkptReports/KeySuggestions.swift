/// Keys like one the user typed that is not there ("close matches"), for not-found messages.
public enum KeySuggestions {
    /// Up to `limit` keys most like `query`, case-insensitively: keys containing it first (in their order), then
    /// keys within an edit distance of `max(2, query.count / 2)`, nearest first.
    public static func closeMatches(_ query: String, in keys: [String], limit: Int = 5) -> [String] {
        let q = query.lowercased()
        let contains = keys.filter { $0.lowercased().contains(q) }
        // Edit distance is quadratic: only for keys of sensible length (a hostile file may hold huge ones).
        let scored = keys.filter { $0.count <= 256 && q.count <= 256 && !$0.lowercased().contains(q) }
            .map { ($0, editDistance(q, $0.lowercased())) }
            .filter { $0.1 <= max(2, q.count / 2) }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
        return Array((contains + scored).prefix(limit))
    }

    /// Levenshtein distance: the fewest single-character insertions, deletions and substitutions from `a` to `b`.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0 ... y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1 ... x.count {
            cur[0] = i
            for j in 1 ... y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }
}
