import CkptCore

/// Writes `torch.save`-style zip archives that `torch.load(weights_only=True)` and `torch.load(mmap=True)`
/// read back (FORMATS.md 1.9): `archive/data.pkl` (protocol 2 only), `.format_version`, `.storage_alignment`,
/// `byteorder` (little), one STORED, 64-byte aligned `data/<N>` record per storage in first-use order, and
/// `version` 3. Storage bytes stream from their sources: memory stays near one chunk (one storage when it must
/// be byte-swapped from a big-endian source).
public enum TorchZipWriter: CheckpointWriter {
    /// The archive folder torch uses for file objects.
    static let folder = "archive/"
    /// Bytes handed to the zip writer at a time.
    static let chunk = 8 << 20

    public static func write(_ stateDict: StateDict, to path: String) throws {
        var pickler = TorchPickler()
        let pickle = try pickler.pickle(stateDict.root)
        let zip = try ZipWriter(path: path, alignment: 64)
        let dir = folder
        try zip.add(dir + "data.pkl", bytes: pickle)
        try zip.add(dir + ".format_version", bytes: Array("1".utf8))
        try zip.add(dir + ".storage_alignment", bytes: Array("64".utf8))
        try zip.add(dir + "byteorder", bytes: Array("little".utf8))
        for record in pickler.records {
            try zip.begin(dir + "data/" + record.key, size: record.byteCount)
            try record.withLittleEndianBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = min(chunk, raw.count - offset)
                    try zip.write(UnsafeRawBufferPointer(rebasing: raw[offset ..< offset + n]))
                    offset += n
                }
            }
            try zip.end()
        }
        try zip.add(dir + "version", bytes: Array("3\n".utf8))
        try zip.finish()
    }
}
