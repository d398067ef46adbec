import CkptCore
import Foundation
import OrderedCollections

/// Reads a Hugging Face sharded checkpoint through its `*.index.json`
/// (`{"metadata": {"total_size": N}, "weight_map": {key: shard file}}`) as one state dict, in the index's key
/// order. Each shard (any format ckpt reads, detected by content) is opened once; shard paths are relative to
/// the index's folder and may not leave it. Tensors a shard holds but the index does not list follow the
/// listed ones, so nothing is dropped. The index's scalar metadata (`total_size`) becomes attributes.
public enum ShardedReader: CheckpointReader {
    /// Largest index file accepted (real ones are well under a megabyte).
    public static let maxIndexSize = 64 << 20

    public static func read(_ file: MappedFile) throws -> StateDict {
        guard file.size <= maxIndexSize else { throw CheckpointError.tooLarge("shard index is \(file.size) bytes") }
        let json = try file.withBytes { try OrderedJSON.parse($0) }
        guard let weightMap = json["weight_map"]?.members else {
            throw CheckpointError.malformed("shard index has no \"weight_map\" object")
        }
        var attributes = OrderedDictionary<String, String>()
        for (k, v) in json["metadata"]?.members ?? [] {
            switch v {
            case .string(let s): attributes[k] = s
            case .int(let i): attributes[k] = String(i)
            case .double(let d): attributes[k] = CheckpointValue.pythonFloat(d)
            case .bool(let b): attributes[k] = b ? "true" : "false"
            default: continue
            }
        }
        let folder = URL(fileURLWithPath: file.path).deletingLastPathComponent()
        var shards = OrderedDictionary<String, OrderedDictionary<String, TensorEntry>>()
        var tensors = OrderedDictionary<String, TensorEntry>()
        for (key, value) in weightMap {
            guard let shard = value.string else { throw CheckpointError.malformed("shard index maps '\(key)' to a non-string") }
            if shards[shard] == nil { shards[shard] = try readShard(shard, in: folder) }
            guard let tensor = shards[shard]?[key] else {
                throw CheckpointError.notFound("tensor '\(key)' listed in the index is not in shard '\(shard)'")
            }
            tensors[key] = tensor
        }
        for (_, shardTensors) in shards {
            for (key, t) in shardTensors where tensors[key] == nil { tensors[key] = t }
        }
        return StateDict(tensors: tensors, attributes: attributes)
    }

    private static func readShard(_ name: String, in folder: URL) throws -> OrderedDictionary<String, TensorEntry> {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(".."), !name.contains("\0") else {
            throw CheckpointError.unsafe("shard path '\(name)' leaves the index's folder")
        }
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CheckpointError.notFound("shard '\(name)' does not exist")
        }
        do {
            let shard = try MappedFile(path: path)
            let format = try CheckpointFormat.detect(shard)
            guard format != .sharded else { throw CheckpointError.unsupported("a shard is itself a shard index") }
            return try Checkpoint.reader(for: format).read(shard).tensors
        } catch let e as CheckpointError {
            throw e.prefixed("shard '\(name)': ")
        }
    }
}
