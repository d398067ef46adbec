import CkptCore

/// Reads `torch.save` zip archives (FORMATS.md 1): `<dir>/data.pkl` through the restricted unpickler,
/// storages `<dir>/data/<key>` as mapped slices of the file (no copy), `<dir>/byteorder`.
public enum TorchZipReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        try read(ZipArchive(file))
    }

    /// Reads a `torch.save` zip (the whole file, or a region of it).
    static func read(_ archive: ZipArchive) throws -> StateDict {
        let entries = try TorchZipReader.entries(archive)
        let dir = try archiveFolder(entries)
        guard let pickle = entries[dir + "data.pkl"] else {
            throw CheckpointError.malformed("torch archive has no \(dir)data.pkl")
        }
        if entries[dir + "constants.pkl"] != nil {
            throw CheckpointError.unsupported("a TorchScript archive (torch.jit.save), not a torch.save checkpoint")
        }
        let unpickler = TorchUnpickler(loadStorage: try storageLoader(archive, entries, folder: dir, records: "data/"))
        let value = try archive.data(pickle).withUnsafeBytes { try unpickler.load($0).value }
        var stateDict = StateDict(root: value)
        if entries[dir + "version"] == nil && entries[dir + ".data/version"] == nil {
            stateDict.warnings.append("the archive has no version record: torch.load refuses it (\"Expected hasRecord(\"version\")\"); ckpt reads it")
        }
        return stateDict
    }

    /// Members by name; duplicate names are refused (a reader and torch could disagree on which one counts).
    static func entries(_ archive: ZipArchive) throws -> [String: ZipArchive.Entry] {
        var out: [String: ZipArchive.Entry] = [:]
        for e in archive.entries {
            guard out.updateValue(e, forKey: e.name) == nil else { throw CheckpointError.malformed("zip holds \(e.name) twice") }
        }
        return out
    }

    /// The archive folder with its slash (`archive/`): the one holding `data.pkl`, preferring the first entry's as torch does.
    static func archiveFolder(_ entries: [String: ZipArchive.Entry]) throws -> String {
        let candidates = entries.keys.filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/", omittingEmptySubsequences: false).count == 2 }
        if candidates.count == 1, let c = candidates.first { return String(c.dropLast("data.pkl".count)) }
        if entries["data.pkl"] != nil { return "" }
        guard let c = candidates.min() else { throw CheckpointError.malformed("torch archive has no <folder>/data.pkl") }
        return String(c.dropLast("data.pkl".count))
    }

    /// Loads `<folder><records><key>` as a storage mapped from the file, checking its size against the persistent
    /// id's element count; the byte order is the archive's `byteorder` record (little when absent).
    static func storageLoader(_ archive: ZipArchive, _ entries: [String: ZipArchive.Entry], folder dir: String,
                              records: String) throws -> TorchUnpickler.StorageLoader {
        let byteOrder = try TorchZipReader.byteOrder(archive, entries[dir + "byteorder"])
        return { key, dtype, numel in
            guard let entry = entries[dir + records + key] else {
                throw CheckpointError.malformed("storage \(key) has no record \(dir)\(records)\(key)")
            }
            let item = dtype?.itemSize ?? 1
            let (expected, overflow) = numel.multipliedReportingOverflow(by: item)
            guard !overflow, entry.uncompressedSize == expected else {
                throw CheckpointError.malformed("storage \(records)\(key) is \(entry.uncompressedSize) bytes, expected \(overflow ? "more than the file holds" : "\(expected)") (\(numel) × \(item))")
            }
            return TensorStorage(key: key, dtype: dtype ?? .uint8, bytes: try archive.data(entry), byteOrder: byteOrder)
        }
    }

    static func byteOrder(_ archive: ZipArchive, _ entry: ZipArchive.Entry?) throws -> ByteOrder {
        guard let entry else { return .little }
        guard entry.uncompressedSize <= 16 else { throw CheckpointError.malformed("byteorder record is \(entry.uncompressedSize) bytes") }
        let text = String(decoding: try archive.data(entry).load(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch text {
        case "little": return .little
        case "big": return .big
        default: throw CheckpointError.malformed("byteorder record says '\(text)'")
        }
    }
}

import Foundation
