import CkptCore
import OrderedCollections

/// Reads the weights of an ONNX model (FORMATS-MORE.md 4), parsing the protobuf itself and reading only what it
/// needs: the graph's initializers under their names, then the tensors of `Constant` nodes (`value`, and
/// `value_float(s)` / `value_int(s)` as float32 / int64) keyed by their output name, depth-first in node order;
/// inside a subgraph (`If`, `Loop`, `Scan` bodies) every key is prefixed by the owning node — its name, or
/// `<OpType>_<index among that op's nodes>` when it has none — and the attribute: `If_0.then_branch.w`. Raw and
/// external data stay mapped; typed value lists are decoded when read. The model's producer, IR and opset
/// versions and `metadata_props` are file metadata.
public enum ONNXReader: CheckpointReader {
    /// Deepest subgraph nesting read (real models nest a few levels).
    static let maxGraphDepth = 16

    public static func read(_ file: MappedFile) throws -> StateDict {
        var metadata = OrderedDictionary<String, CheckpointValue>()
        var walker = ONNXGraphWalker(file: file, folder: FolderMember.folder(of: file.path))
        try file.withBytes { all in
            var model = ProtobufCursor(all)
            var graph: Range<Int>?
            var opsets: [CheckpointValue] = []
            while let f = try model.next() {
                switch (f.number, f.wire) {
                case (1, .varint): metadata["ir_version"] = .int(Int(truncatingIfNeeded: f.scalar))
                case (2, .lengthDelimited): metadata["producer_name"] = .string(model.string(f))
                case (3, .lengthDelimited): metadata["producer_version"] = .string(model.string(f))
                case (4, .lengthDelimited): metadata["domain"] = .string(model.string(f))
                case (5, .varint): metadata["model_version"] = .int(Int(truncatingIfNeeded: f.scalar))
                case (7, .lengthDelimited): graph = f.range
                case (8, .lengthDelimited):
                    var opset = ProtobufCursor(all, range: f.range)
                    var domain = "", version = 0
                    while let o = try opset.next() {
                        if o.number == 1, o.wire == .lengthDelimited { domain = opset.string(o) }
                        if o.number == 2, o.wire == .varint { version = Int(truncatingIfNeeded: o.scalar) }
                    }
                    opsets.append(.string((domain.isEmpty ? "ai.onnx" : domain) + ":\(version)"))
                case (14, .lengthDelimited):
                    let pair = try model.stringPair(f)
                    metadata["metadata_props." + pair.key] = .string(pair.value)
                default: continue
                }
            }
            if !opsets.isEmpty { metadata["opset_import"] = .list(opsets) }
            guard let graph else { throw CheckpointError.malformed("ONNX model has no graph") }
            try walker.graph(all, range: graph, prefix: "", depth: 0)
        }
        var stateDict = StateDict(tensors: walker.tensors)
        stateDict.fileMetadata = metadata
        return stateDict
    }

    /// True when `file` starts as an ONNX ModelProto does: `ir_version` (field 1, a small varint), then another
    /// ModelProto field (protobuf has no magic number; exporters write fields in number order).
    public static func looksLikeModel(_ file: MappedFile) -> Bool {
        file.withBytes { all in
            guard all.count >= 4, all[0] == 0x08, all[1] >= 1, all[1] <= 30 else { return false }
            var cursor = ProtobufCursor(all)
            guard let first = try? cursor.next(), first.number == 1, let second = try? cursor.next() else { return false }
            return [2, 3, 4, 5, 6, 7, 8, 14, 20, 25].contains(second.number)
        }
    }
}
