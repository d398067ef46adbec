/// Where a storage's bytes live: a region of a mapped file, bytes in memory, or a loader run on demand
/// (a deflated zip member, a chunked HDF5 dataset). Nothing is read until `withUnsafeBytes` is called.
public struct ByteSource: Sendable {
    enum Kind: Sendable {
        case mapped(MappedFile, offset: Int)
        case owned(OwnedBytes)
        case loader(@Sendable () throws -> [UInt8])
    }
    let kind: Kind
    /// Length in bytes.
    public let count: Int

    /// A region of a mapped file; throws `.truncated` when the region is not inside the file.
    public static func mapped(_ file: MappedFile, offset: Int, count: Int) throws -> ByteSource {
        _ = try file.unsafeBytes(offset: offset, count: count)  // the range check only
        return ByteSource(kind: .mapped(file, offset: offset), count: count)
    }

    /// Bytes already in memory.
    public static func bytes(_ bytes: [UInt8]) -> ByteSource {
        ByteSource(kind: .owned(OwnedBytes(bytes)), count: bytes.count)
    }

    /// Bytes produced on demand; the loader must return exactly `count` bytes.
    public static func loader(count: Int, _ load: @escaping @Sendable () throws -> [UInt8]) -> ByteSource {
        ByteSource(kind: .loader(load), count: count)
    }

    /// The mapped file behind this source, if any (used to report which file a tensor comes from).
    public var mappedFile: MappedFile? {
        if case .mapped(let f, _) = kind { return f }
        return nil
    }

    /// Drops the pages of `[offset, offset+count)` from the process's resident set when the source is a mapped
    /// file region (see `MappedFile.adviseDontNeed`); does nothing for other sources.
    public func releasePages(offset: Int, count: Int) {
        if case .mapped(let file, let base) = kind { file.adviseDontNeed(offset: base + offset, count: count) }
    }

    /// Calls `body` with all the bytes. Mapped and owned sources do not copy.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        switch kind {
        case .mapped(let file, let offset):
            return try file.withBytes(offset: offset, count: count, body)
        case .owned(let owned):
            return try owned.bytes.withUnsafeBytes(body)
        case .loader(let load):
            let bytes = try load()
            guard bytes.count == count else {
                throw CheckpointError.malformed("data is \(bytes.count) bytes, expected \(count)")
            }
            return try bytes.withUnsafeBytes(body)
        }
    }

    /// A copy of the bytes.
    public func load() throws -> [UInt8] { try withUnsafeBytes { Array($0) } }

    /// The sub-range `[offset, offset+count)` of this source.
    public func slice(offset: Int, count: Int) throws -> ByteSource {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else {
            throw CheckpointError.malformed("range \(offset)..<\(offset &+ count) outside \(self.count) bytes")
        }
        switch kind {
        case .mapped(let file, let base):
            return try .mapped(file, offset: base + offset, count: count)
        case .owned(let owned):
            return .bytes(Array(owned.bytes[offset..<offset + count]))
        case .loader(let load):
            return .loader(count: count) { Array(try load()[offset..<offset + count]) }
        }
    }
}

/// Immutable bytes shared by reference.
final class OwnedBytes: Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}
