import CkptCore
import Foundation

/// Opening and saving checkpoints in any format: the one entry point commands use.
public struct Checkpoint: Sendable {
    public let path: String
    public let format: CheckpointFormat
    public var stateDict: StateDict

    /// Reads `path` (metadata only; tensor bytes stay in the mapped file). Errors are `FileError`s naming the file.
    public static func read(_ path: String) throws -> Checkpoint {
        if let metadata = DCPReader.metadataPath(ofFolder: path) {
            // A distributed checkpoint is a folder read through its .metadata; errors name the folder.
            do {
                return Checkpoint(path: path, format: .dcp, stateDict: try DCPReader.read(MappedFile(path: metadata)))
            } catch let e as CheckpointError {
                throw FileError(path: path, e)
            }
        }
        if ModelFolder.isFolder(path) {
            // A model folder reads as its weights, through its config.json; errors name the folder.
            do {
                let config = try read((path as NSString).appendingPathComponent("config.json"))
                return Checkpoint(path: path, format: .folder, stateDict: config.stateDict)
            } catch let e as FileError {
                throw FileError(path: path, e.underlying)
            }
        }
        do {
            let file = try MappedFile(path: path)
            let format = try CheckpointFormat.detect(file)
            // Data read later (a member's CRC, a compressed chunk) fails with an error naming this file.
            let stateDict = try reader(for: format).read(file).namingDataErrors(path)
            return Checkpoint(path: path, format: format, stateDict: stateDict)
        } catch let e as CheckpointError {
            throw FileError(path: path, e)
        }
    }

    /// Reads `FILE#ENTRY`: the whole string if it names an existing file, else the file before the last `#` and the entry after it.
    public static func read(reference: String) throws -> Checkpoint {
        if FileManager.default.fileExists(atPath: reference) { return try read(reference) }
        guard let hash = reference.lastIndex(of: "#") else { return try read(reference) }
        let path = String(reference[..<hash]), entry = String(reference[reference.index(after: hash)...])
        var c = try read(path)
        if !entry.isEmpty {
            do { c.stateDict = try c.stateDict.entry(entry) } catch let e as CheckpointError { throw FileError(path: path, e) }
        }
        return c
    }

    /// The reader for a format.
    public static func reader(for format: CheckpointFormat) -> CheckpointReader.Type {
        switch format {
        case .torchZip: return TorchZipReader.self
        case .torchLegacy: return TorchLegacyReader.self
        case .hdf5: return HDF5Reader.self
        case .keras: return KerasReader.self
        case .safetensors: return SafetensorsReader.self
        case .npz: return NPZReader.self
        case .npy: return NPYReader.self
        case .sharded: return ShardedReader.self
        case .gguf: return GGUFReader.self
        case .torchscript: return TorchScriptReader.self
        case .torchExport: return TorchExportReader.self
        case .dcp: return DCPReader.self
        case .onnx: return ONNXReader.self
        case .folder: return ModelFolderReader.self
        }
    }

    /// The writer for a format, or nil when ckpt cannot write it.
    public static func writer(for format: CheckpointFormat) -> CheckpointWriter.Type? {
        switch format {
        case .torchZip: return TorchZipWriter.self
        case .hdf5: return HDF5Writer.self
        case .safetensors: return SafetensorsWriter.self
        case .npz: return NPZWriter.self
        case .npy: return NPYWriter.self
        case .gguf: return GGUFWriter.self
        case .torchLegacy, .keras, .sharded, .torchscript, .torchExport, .dcp, .onnx, .folder: return nil
        }
    }

    /// Writes `stateDict` to `path` atomically: into a temporary file in the same folder, renamed into place
    /// only when complete. On any error the temporary file is removed and `path` is untouched.
    public static func write(_ stateDict: StateDict, to path: String, format: CheckpointFormat) throws {
        guard let writer = writer(for: format) else {
            throw FileError(path: path, .unsupported("ckpt cannot write \(format.rawValue) files"))
        }
        do {
            try AtomicFile.write(to: path) { tmp in try writer.write(stateDict, to: tmp) }
        } catch let e as CheckpointError {
            throw FileError(path: path, e)
        }
    }
}
