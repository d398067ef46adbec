/// Tensors grouped by module prefix (`encoder.layers.0.attn.weight` under `encoder` › `layers` › `0` › `attn`),
/// each group with the subtotals of everything below it. Children keep the order of first appearance.
public struct InspectTree: Encodable, Sendable {
    /// The last path component (`attn`), or the whole key for a tensor at the root.
    public var name: String
    /// The full dotted path of this group or tensor.
    public var path: String
    public var tensors: Int
    public var numel: Int
    /// Elements counting shared storage once.
    public var uniqueNumel: Int
    public var bytes: Int
    /// The tensor row when this node is a tensor (a leaf); nil for a group.
    public var row: InspectReport.Row?
    public var children: [InspectTree]

    enum CodingKeys: String, CodingKey {
        case name, path, tensors, numel, bytes, children
        case uniqueNumel = "unique_numel"
        case tensor
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(path, forKey: .path)
        try c.encode(tensors, forKey: .tensors)
        try c.encode(numel, forKey: .numel)
        try c.encode(uniqueNumel, forKey: .uniqueNumel)
        try c.encode(bytes, forKey: .bytes)
        if let row { try c.encode(row, forKey: .tensor) } else { try c.encode(children, forKey: .children) }
    }

    /// The tree of `rows`. With `depth`, groups at that depth are leaves (their tensors are only counted).
    /// The root node has an empty name and path.
    public init(rows: [InspectReport.Row], depth: Int? = nil) {
        self.init(name: "", path: "")
        for r in rows { insert(r, components: InspectTree.components(r.key), level: 0, depth: depth) }
    }

    /// Most levels a tree shows; deeper components stay joined in the last name (a hostile key cannot recurse deeply).
    static let maxLevels = 64

    static func components(_ key: String) -> [String] {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > maxLevels else { return parts }
        return Array(parts.prefix(maxLevels - 1)) + [parts.dropFirst(maxLevels - 1).joined(separator: ".")]
    }

    init(name: String, path: String) {
        self.name = name
        self.path = path
        tensors = 0; numel = 0; uniqueNumel = 0; bytes = 0
        row = nil
        children = []
    }

    private mutating func insert(_ r: InspectReport.Row, components: [String], level: Int, depth: Int?) {
        tensors += 1
        numel += r.numel
        uniqueNumel += r.sharedWith == nil ? r.numel : 0
        bytes += r.bytes
        if let depth, level >= depth, level > 0 { return }
        guard let head = components.first else { return }
        let childPath = path.isEmpty ? head : path + "." + head
        if components.count == 1 {
            var leaf = InspectTree(name: head, path: childPath)
            leaf.tensors = 1; leaf.numel = r.numel; leaf.uniqueNumel = r.sharedWith == nil ? r.numel : 0; leaf.bytes = r.bytes
            leaf.row = r
            children.append(leaf)
            return
        }
        if let i = children.firstIndex(where: { $0.row == nil && $0.name == head }) {
            children[i].insert(r, components: Array(components.dropFirst()), level: level + 1, depth: depth)
        } else {
            var group = InspectTree(name: head, path: childPath)
            group.insert(r, components: Array(components.dropFirst()), level: level + 1, depth: depth)
            children.append(group)
        }
    }

    /// Nodes depth-first with their nesting level (the root excluded), for rendering.
    public func flattened() -> [(level: Int, node: InspectTree)] {
        var out: [(Int, InspectTree)] = []
        func walk(_ n: InspectTree, _ level: Int) {
            for c in n.children { out.append((level, c)); walk(c, level + 1) }
        }
        walk(self, 0)
        return out
    }
}
