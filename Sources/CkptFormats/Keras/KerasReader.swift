import CkptCore
import Foundation

/// Reads a Keras 3 `.keras` file: a zip holding `model.weights.h5` (the `.weights.h5` layout, read by
/// `HDF5Reader`: keys `layers.<layer>.vars.<i>`, variables in numeric order), `config.json` and
/// `metadata.json`. Keras stores the members uncompressed, so the weights file is opened in place inside the
/// mapped zip and its tensors are mapped from it; a DEFLATE member is inflated into memory first.
/// `metadata.json`'s fields (`keras_version`, `date_saved`) and the raw `config.json` (as `config`) go to
/// `StateDict.attributes`.
public enum KerasReader: CheckpointReader {
    /// Largest `config.json` / `metadata.json` kept as an attribute.
    static let maxJSONBytes = 16 << 20

    public static func read(_ file: MappedFile) throws -> StateDict {
        let zip = try ZipArchive(file)
        guard let member = zip.entry(named: "model.weights.h5") else {
            throw CheckpointError.notFound(".keras archive has no model.weights.h5")
        }
        var stateDict: StateDict
        if member.method == ZipArchive.stored {
            stateDict = try HDF5Reader.read(HDF5File(file, base: member.dataOffset, size: member.uncompressedSize))
        } else {
            let bytes = try zip.data(member).load()
            stateDict = try HDF5Reader.read(HDF5File(bytes: bytes))
        }
        var attributes = stateDict.attributes
        if let meta = try json(zip, "metadata.json"),
           let object = try? JSONSerialization.jsonObject(with: Data(meta.utf8)) as? [String: Any] {
            for key in object.keys.sorted() {
                if let value = object[key] { attributes[key] = value as? String ?? "\(value)" }
            }
        }
        if let config = try json(zip, "config.json") { attributes["config"] = config }
        stateDict.attributes = attributes
        return stateDict
    }

    private static func json(_ zip: ZipArchive, _ name: String) throws -> String? {
        guard let entry = zip.entry(named: name) else { return nil }
        guard entry.uncompressedSize <= maxJSONBytes else {
            throw CheckpointError.tooLarge(".keras member \(name) is \(entry.uncompressedSize) bytes")
        }
        return String(decoding: try zip.data(entry).load(), as: UTF8.self)
    }
}
