import CkptCore
import CkptFormats

/// Whether a file is safe to load, as PyTorch's `torch.load(weights_only=True)` decides: the pickle globals a torch
/// file imports and the opcodes it uses, each allowed or refused. Reading never executes anything either way;
/// this is what `inspect --globals` lists, and what lets it describe a file the reader refuses.
public enum PickleSafety {
    /// The globals and refused opcodes of a torch file (`torch-zip`, `torch-legacy`, `torchscript`, a DCP folder's
    /// `.metadata`); nil for folders and formats that hold no
    /// pickle. Errors are `FileError`s naming the file.
    public static func scan(_ path: String) throws -> PickleGlobalScan.Report? {
        do {
            guard let file = try? MappedFile(path: DCPReader.metadataPath(ofFolder: path) ?? path) else { return nil }
            let format = try CheckpointFormat.detect(file)
            guard [.torchZip, .torchLegacy, .torchscript, .dcp].contains(format) else { return nil }
            return try PickleGlobalScan.report(file, format: format)
        } catch let e as CheckpointError {
            throw FileError(path: path, e)
        }
    }

    /// True when `error` is the restricted reader refusing a file (a global or opcode it does not accept).
    public static func isRefusal(_ error: Error) -> Bool {
        (error as? FileError)?.underlying.isUnsafe ?? false
    }
}
