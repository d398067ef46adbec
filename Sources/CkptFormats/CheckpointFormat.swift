import CkptCore

/// The file formats ckpt reads and writes, detected from the bytes, never from the extension.
public enum CheckpointFormat: String, CaseIterable, Sendable, Codable {
    case torchZip = "torch-zip"
    case torchLegacy = "torch-legacy"
    case hdf5
    case keras
    case safetensors
    case npz
    case npy
    case sharded
    case gguf
    /// A TorchScript archive (`torch.jit.save`): read as `torch.jit.load(f).state_dict()`.
    case torchscript
    /// A `torch.export` archive (`.pt2`): its weights, as `torch.export.load(f).state_dict`.
    case torchExport = "torch-export"
    /// A `torch.distributed.checkpoint` folder (`.metadata` + `*.distcp`): read as `dcp_to_torch_save` gives it.
    case dcp
    /// An ONNX model (`ModelProto`): its initializers and Constant tensors.
    case onnx
    /// A Hugging Face model folder (or its `config.json`): read as its weights.
    case folder

    /// Formats ckpt can write.
    public var isWritable: Bool {
        switch self {
        case .torchZip, .hdf5, .safetensors, .npz, .npy, .gguf: return true
        case .torchLegacy, .keras, .sharded, .torchscript, .torchExport, .dcp, .onnx, .folder: return false
        }
    }

    /// The writable format a file name asks for (`.pt .pth .bin .ckpt`, `.h5 .hdf5`, `.safetensors`, `.npz`, `.npy`,
    /// `.gguf`).
    public static func forWriting(path: String) -> CheckpointFormat? {
        let lower = path.lowercased()
        let ext = lower.split(separator: "/").last.flatMap { $0.split(separator: ".").count > 1 ? $0.split(separator: ".").last : nil }
        switch ext.map(String.init) {
        case "pt", "pth", "bin", "ckpt", "tar": return .torchZip
        case "h5", "hdf5", "keras5": return .hdf5
        case "safetensors": return .safetensors
        case "npz": return .npz
        case "npy": return .npy
        case "gguf": return .gguf
        default: return nil
        }
    }

    /// Detects the format of a mapped file from its first bytes (and, for zips, its member names).
    public static func detect(_ file: MappedFile) throws -> CheckpointFormat {
        let head = try file.copyBytes(offset: 0, count: min(file.size, 16))
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && zip(head, magic).allSatisfy { $0 == $1 } }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            let names = try ZipArchive(file).entries.map(\.name)
            if names.contains(where: TorchExportReader.isArchiveFormat) { return .torchExport }
            if names.contains(where: isTorchScriptMember) { return .torchscript }
            if names.contains(where: { $0.hasSuffix("/data.pkl") || $0 == "data.pkl" }) { return .torchZip }
            if names.contains("model.weights.h5") { return .keras }
            // An empty zip is numpy's `np.savez(f)` of no arrays (np.load reads it as an empty NpzFile).
            if names.allSatisfy({ $0.hasSuffix(".npy") }) { return .npz }
            throw CheckpointError.unrecognized("zip archive without data.pkl, constants.pkl, code/, model.weights.h5 or .npy members")
        }
        if starts([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return .npy }
        if starts(GGUFHeader.magic) { return .gguf }
        if starts([0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]) { return .torchLegacy }
        let hdf5Magic: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var offset = 0
        while offset + 8 <= file.size {
            if try file.copyBytes(offset: offset, count: 8) == hdf5Magic { return .hdf5 }
            offset = offset == 0 ? 512 : offset * 2
        }
        if file.size >= 10 {
            let n = try file.withBytes(offset: 0, count: 8) { $0.loadUnaligned(as: UInt64.self) }
            let next = try file.copyBytes(offset: 8, count: 2)
            // A length past the end still means safetensors, so the reader can say the header lies about its size.
            if n >= 2, next[0] == UInt8(ascii: "{") || (next[0] == 0x20 && next[1] == UInt8(ascii: "{")) {
                return .safetensors
            }
        }
        let text = try file.copyBytes(offset: 0, count: min(file.size, 4096))
        if let s = String(bytes: text, encoding: .utf8) ?? String(bytes: text.prefix(4000), encoding: .ascii),
           s.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{"), s.contains("\"weight_map\"") {
            return .sharded
        }
        if let s = String(bytes: text, encoding: .utf8), s.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{"),
           s.contains("\"model_type\""), ModelFolder.isConfigFile(file.path) {
            return .folder
        }
        if ONNXReader.looksLikeModel(file) { return .onnx }
        if starts([0x80]) && head.count >= 2 && head[1] <= 5 && DCPReader.isMetadataFile(file.path) { return .dcp }
        if starts([0x80]) && head.count >= 2 && head[1] <= 5 {
            throw CheckpointError.unrecognized("a bare pickle, not a torch.save file (no zip container and no legacy magic number)")
        }
        throw CheckpointError.unrecognized("not a checkpoint format ckpt knows (torch zip or legacy, TorchScript, torch.export .pt2, HDF5, .keras, safetensors, npz/npy, sharded index, GGUF, DCP folder, ONNX, model folder config.json)")
    }

    /// A member only TorchScript archives hold (FORMATS-MORE.md 2.1): `<dir>/constants.pkl` or a file under
    /// `<dir>/code/` (pre-1.3 archives: top-level `code/` beside `model.json`).
    static func isTorchScriptMember(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 && parts[1] == "constants.pkl" || name == "constants.pkl" { return true }
        return parts.count >= 3 && parts[1] == "code" || parts.count >= 2 && parts[0] == "code"
    }
}

import Foundation
