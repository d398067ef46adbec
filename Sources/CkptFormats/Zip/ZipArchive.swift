import CkptCore

/// Placeholder: a zip archive's central directory (the torch-zip work replaces this file).
public struct ZipArchive {
    /// One member: name, compression method, sizes from the central directory, data offset from the local header.
    public struct Entry: Sendable {
        public var name: String
        public var method: UInt16
        public var crc32: UInt32
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var dataOffset: Int
    }
    public let file: MappedFile
    public let entries: [Entry]
    public init(_ file: MappedFile) throws { self.file = file; entries = []; throw CheckpointError.unsupported("zip reading is not implemented yet") }
    /// The member's bytes: a mapped region for STORED members, inflated on demand for DEFLATE.
    public func data(_ entry: Entry) throws -> ByteSource { throw CheckpointError.unsupported("zip reading is not implemented yet") }
}
