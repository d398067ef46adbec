import CkptCore
import CkptFormats
import CkptReports

/// `show`: one value of a checkpoint, a tensor printed as PyTorch prints it or a non-tensor leaf as Python would.
public enum ValueLookup {
    /// The value at `key` in `reference` (`FILE[#ENTRY]`); without a key, the file's only tensor. A key that is not
    /// there is a not-found error listing close matches. `threshold` is `torch.set_printoptions`' (elide past it).
    public static func run(_ reference: String, key: String?, threshold: Int = 1000) throws -> ShowDocument {
        let checkpoint = try Checkpoint.read(reference: reference)
        let tensors = checkpoint.stateDict.tensors
        guard let key = key ?? (tensors.count == 1 ? tensors.keys.first : nil) else {
            let keys = tensors.keys.prefix(8).joined(separator: ", ") + (tensors.count > 8 ? ", …" : "")
            throw FileError(path: reference, .notFound("which tensor? the file holds \(tensors.count): \(keys)"))
        }
        if let t = tensors[key] {
            do {
                let text = try TensorRepr.string(t, options: TensorPrintOptions(threshold: threshold))
                return ShowDocument(key: key, dtype: t.dtype.rawValue, shape: t.shape, text: text)
            } catch let e as CheckpointError {
                throw FileError(path: reference, .malformed("\(key): \(e.description)"))
            }
        }
        let sd = checkpoint.stateDict
        if let v = sd.metadata[key] ?? sd.fileMetadata[key] { return ShowDocument(key: key, dtype: nil, shape: nil, text: v.description) }
        let close = KeySuggestions.closeMatches(key, in: Array(tensors.keys) + Array(sd.metadata.keys) + Array(sd.fileMetadata.keys))
        let hint = close.isEmpty ? "" : " (close matches: \(close.joined(separator: ", ")))"
        throw FileError(path: reference, .notFound("no tensor '\(key)'\(hint)"))
    }
}
