import CkptCore
import CkptFormats
import Foundation
import OrderedCollections

/// A CHECKPOINT argument: a path, optionally followed by `#ENTRY`, a dotted path into nested dicts
/// (`run.pt#model`, `run.pt#optimizer.state`). If the whole string names an existing file, it is the file.
public struct CheckpointReference: Sendable, Equatable, CustomStringConvertible {
    /// The argument as written.
    public let reference: String
    /// The file part.
    public let file: String
    /// The entry after the last `#`, or nil when the argument is the file itself.
    public let entry: String?

    public init(_ reference: String) {
        self.reference = reference
        if !FileManager.default.fileExists(atPath: reference), let hash = reference.lastIndex(of: "#") {
            file = String(reference[..<hash])
            entry = String(reference[reference.index(after: hash)...])
        } else {
            file = reference
            entry = nil
        }
    }

    public var description: String { reference }

    /// Reads the file (metadata only) and selects the entry. Errors are `FileError`s naming the file.
    public func read() throws -> Checkpoint {
        try Checkpoint.read(reference: reference)
    }

    /// The entries PyTorch training scripts keep a model's weights under, in the order they are tried.
    public static let stateDictEntries = ["state_dict", "model_state_dict", "model"]

    /// The tensors to load into a model. Without an entry, a training checkpoint (a top level holding no tensors
    /// itself, only dicts and numbers) gives its `state_dict`/`model_state_dict`/`model` entry, and the note says so.
    /// With `huggingFaceNames` (loading into a transformers architecture), a GGUF of an architecture llama.cpp
    /// converts from Hugging Face gives its tensors under their Hugging Face names and row order.
    public func modelTensors(huggingFaceNames: Bool = false) throws -> (tensors: OrderedDictionary<String, TensorEntry>, note: String?) {
        let checkpoint = try read()
        if huggingFaceNames, checkpoint.format == .gguf {
            do {
                if let view = try GGUFHuggingFace.view(checkpoint.stateDict) {
                    return (view.tensors, "GGUF tensors read under their Hugging Face names (llama.cpp's Q/K row order undone)")
                }
            } catch let e as CheckpointError {
                throw FileError(path: file, e)
            }
        }
        guard entry == nil, let root = checkpoint.stateDict.root.dict,
              !root.items.values.contains(where: { $0.tensor != nil }) else {
            return (checkpoint.stateDict.tensors, nil)
        }
        for name in Self.stateDictEntries {
            if let sub = root[name], sub.dict != nil, let entry = try? checkpoint.stateDict.entry(name), !entry.tensors.isEmpty {
                return (entry.tensors, "using entry '\(name)' of \(file) (a training checkpoint); name another with \(file)#ENTRY")
            }
        }
        return (checkpoint.stateDict.tensors, nil)
    }
}
