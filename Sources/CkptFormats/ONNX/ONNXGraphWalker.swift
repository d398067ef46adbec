import CkptCore
import OrderedCollections

/// Walks an ONNX `GraphProto` and its subgraphs for the tensors `ONNXReader` reports, in its order and with its keys.
struct ONNXGraphWalker {
    let file: MappedFile
    let folder: String
    var tensors = OrderedDictionary<String, TensorEntry>()
    private var externalFiles: [String: MappedFile] = [:]

    init(file: MappedFile, folder: String) {
        self.file = file
        self.folder = folder
    }

    /// The graph at `range`: its initializers, then its nodes' Constants and subgraphs, in order.
    mutating func graph(_ all: UnsafeRawBufferPointer, range: Range<Int>, prefix: String, depth: Int) throws {
        guard depth <= ONNXReader.maxGraphDepth else {
            throw CheckpointError.tooLarge("ONNX subgraphs nest deeper than \(ONNXReader.maxGraphDepth) levels")
        }
        var cursor = ProtobufCursor(all, range: range)
        var nodes: [Range<Int>] = []
        while let f = try cursor.next() {
            guard f.wire == .lengthDelimited else { continue }
            switch f.number {
            case 1: nodes.append(f.range)
            case 5: try add(prefix, ONNXTensor(all, range: f.range), name: nil)
            case 15: throw CheckpointError.unsupported("ONNX graph has a sparse initializer, which ckpt does not read")
            default: continue
            }
        }
        var seen: [String: Int] = [:]
        for range in nodes {
            let node = try Node(all, range: range)
            let owner = node.name.isEmpty ? "\(node.opType)_\(seen[node.opType, default: 0])" : node.name
            seen[node.opType, default: 0] += 1
            if node.opType == "Constant", node.domain.isEmpty || node.domain == "ai.onnx", let output = node.outputs.first {
                for a in node.attributes { try constant(all, a, key: prefix + output) }
            }
            for a in node.attributes {
                if let g = a.graph { try graph(all, range: g, prefix: "\(prefix)\(owner).\(a.name).", depth: depth + 1) }
                for (k, g) in a.graphs.enumerated() { try graph(all, range: g, prefix: "\(prefix)\(owner).\(a.name).\(k).", depth: depth + 1) }
            }
        }
    }

    /// A Constant's value attribute as a tensor: `value` (a TensorProto), `value_float(s)`, `value_int(s)`.
    private mutating func constant(_ all: UnsafeRawBufferPointer, _ a: Attribute, key: String) throws {
        switch a.name {
        case "value":
            guard let t = a.tensor else { throw CheckpointError.malformed("Constant '\(key)' has a value attribute without a tensor") }
            try add("", ONNXTensor(all, range: t), name: key)
        case "value_float", "value_floats":
            let bits = a.floats.map { UInt32(truncatingIfNeeded: $0) }
            let bytes = bits.flatMap { b in (0 ..< 4).map { UInt8(truncatingIfNeeded: b >> UInt32(8 * $0)) } }
            tensors[key] = try TensorEntry(dtype: .float32, shape: a.name == "value_float" ? [] : [bits.count], bytes: bytes, key: key)
        case "value_int", "value_ints":
            let bytes = a.ints.flatMap { v in (0 ..< 8).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) } }
            tensors[key] = try TensorEntry(dtype: .int64, shape: a.name == "value_int" ? [] : [a.ints.count], bytes: bytes, key: key)
        default:
            return
        }
    }

    private mutating func add(_ prefix: String, _ t: ONNXTensor, name: String?) throws {
        let key = name ?? prefix + t.name
        do {
            tensors[key] = try t.entry(file: file, folder: folder, externalFiles: &externalFiles)
        } catch let e as CheckpointError {
            throw e.prefixed(name == nil ? "" : "Constant '\(key)': ")
        }
    }

    /// The parts of a NodeProto the walk needs.
    struct Node {
        var outputs: [String] = []
        var name = ""
        var opType = ""
        var domain = ""
        var attributes: [Attribute] = []

        init(_ all: UnsafeRawBufferPointer, range: Range<Int>) throws {
            var cursor = ProtobufCursor(all, range: range)
            while let f = try cursor.next() {
                guard f.wire == .lengthDelimited else { continue }
                switch f.number {
                case 2: outputs.append(cursor.string(f))
                case 3: name = cursor.string(f)
                case 4: opType = cursor.string(f)
                case 5: attributes.append(try Attribute(all, range: f.range))
                case 7: domain = cursor.string(f)
                default: continue
                }
            }
        }
    }

    /// The parts of an AttributeProto the walk needs: its name, tensor, graph(s), and Constant's scalar lists.
    struct Attribute {
        var name = ""
        var tensor: Range<Int>?
        var graph: Range<Int>?
        var graphs: [Range<Int>] = []
        var floats: [UInt64] = []
        var ints: [UInt64] = []

        init(_ all: UnsafeRawBufferPointer, range: Range<Int>) throws {
            var cursor = ProtobufCursor(all, range: range)
            while let f = try cursor.next() {
                switch (f.number, f.wire) {
                case (1, .lengthDelimited): name = cursor.string(f)
                case (2, .fixed32): floats = [f.scalar]
                case (3, .varint): ints = [f.scalar]
                case (5, .lengthDelimited): tensor = f.range
                case (6, .lengthDelimited): graph = f.range
                case (7, .fixed32): floats.append(f.scalar)
                case (7, .lengthDelimited):
                    guard f.range.count % 4 == 0 else { throw CheckpointError.malformed("attribute floats are \(f.range.count) bytes") }
                    for at in stride(from: f.range.lowerBound, to: f.range.upperBound, by: 4) {
                        floats.append((0 ..< 4).reduce(UInt64(0)) { $0 | UInt64(all[at + $1]) << UInt64(8 * $1) })
                    }
                case (8, _): ints += try cursor.varints(f)
                case (11, .lengthDelimited): graphs.append(f.range)
                default: continue
                }
            }
        }
    }
}
