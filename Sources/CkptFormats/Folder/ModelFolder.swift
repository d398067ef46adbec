import CkptCore
import Foundation

/// A Hugging Face model folder: a `config.json` and the weights `save_pretrained` wrote beside it
/// (`model.safetensors`, `model.safetensors.index.json` + shards, or `pytorch_model.bin`; transformers'
/// `from_pretrained` looks for them in that order).
///
/// As a checkpoint (format `folder`), a folder — or its `config.json` — reads as its weights.
public enum ModelFolder {
    /// The weight files a folder may hold, in the order `from_pretrained` prefers them.
    public static let weightFiles = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"]

    /// Largest `config.json` read (real ones are a few KB; some carry a tokenizer's worth of labels).
    public static let maxConfigSize = 16 << 20

    /// Whether `path` is a folder holding a `config.json`.
    public static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("config.json"))
    }

    /// Whether `path` is a file holding a Hugging Face config: a JSON object with a `model_type` string.
    public static func isConfigFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size <= maxConfigSize,
              let data = FileManager.default.contents(atPath: path), data.first == UInt8(ascii: "{") || data.first.map(isSpace) == true,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["model_type"] is String
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// The `config.json` of a model folder, or `path` itself when it is a config file; nil otherwise.
    public static func configPath(_ path: String) -> String? {
        if isFolder(path) { return (path as NSString).appendingPathComponent("config.json") }
        return isConfigFile(path) ? path : nil
    }

    /// The folder a model folder or `config.json` path stands for.
    public static func folder(of path: String) -> String {
        isFolder(path) ? path : (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
    }

    /// The weights file of `folder`, the first of `weightFiles` present; throws `notFound` naming them.
    public static func weights(in folder: String) throws -> String {
        for name in weightFiles {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw CheckpointError.notFound("no weights in the folder (model.safetensors, model.safetensors.index.json or pytorch_model.bin)")
    }
}

/// Reads a model folder's weights, given its `config.json` (detected as format `folder`).
public enum ModelFolderReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        let weights = try ModelFolder.weights(in: ModelFolder.folder(of: file.path))
        do {
            let mapped = try MappedFile(path: weights)
            let format = try CheckpointFormat.detect(mapped)
            guard format != .folder else { throw CheckpointError.malformed("the weights file is itself a config.json") }
            return try Checkpoint.reader(for: format).read(mapped)
        } catch let e as CheckpointError {
            throw e.prefixed("\((weights as NSString).lastPathComponent): ")
        }
    }
}
