import Foundation

/// A whole file mapped read-only into memory. Pages are touched only when bytes are read,
/// so metadata-only commands cost what they read, not the file size.
///
/// Bytes are lent for the length of a closure (`withBytes`), during which the mapping is kept alive, or copied
/// (`copyBytes`): no address into the mapping outlives the file through the public API.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    private let base: UnsafeRawPointer?
    /// The mapped file's device and inode, to recognise it when it is opened again (`reopen`).
    private let device: UInt64, inode: UInt64

    /// Maps `path`; throws `.io` when it cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CheckpointError.io("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CheckpointError.io("cannot stat: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CheckpointError.io("not a regular file") }
        size = Int(st.st_size)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        if size == 0 { base = nil; return }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError.io("cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// Calls `body` with the bytes `[offset, offset+count)`, without copying; the buffer is valid only inside `body`.
    /// Throws `.truncated` when the range runs past the end of the file.
    public func withBytes<R>(offset: Int, count: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let bytes = try unsafeBytes(offset: offset, count: count)
        return try withExtendedLifetime(self) { try body(bytes) }
    }

    /// Calls `body` with the whole file's bytes, without copying; the buffer is valid only inside `body`. Readers
    /// take checked sub-ranges of it with `UnsafeRawBufferPointer.slice(offset:count:)`.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let bytes = UnsafeRawBufferPointer(start: size > 0 ? base : nil, count: size)
        return try withExtendedLifetime(self) { try body(bytes) }
    }

    /// A copy of the bytes `[offset, offset+count)` (for headers and magic numbers); throws `.truncated` when the
    /// range runs past the end of the file.
    public func copyBytes(offset: Int, count: Int) throws -> [UInt8] {
        try withBytes(offset: offset, count: count) { Array($0) }
    }

    /// The mapped bytes `[offset, offset+count)` with no lifetime attached, for a reader that keeps this file alive
    /// itself for as long as it uses them (HDF5File hands the image to the HDF5 library and holds the file beside
    /// it). Package-only: outside ckpt, bytes are lent by `withBytes`.
    package func unsafeBytes(offset: Int, count: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw CheckpointError.truncated("needs bytes \(offset)..<\(offset &+ count) but the file has \(size)")
        }
        guard let base, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    /// A new read-only, close-on-exec descriptor of the mapped file (the caller closes it), or nil when the path no
    /// longer names the file that was mapped (replaced or resized since) or cannot be opened. The mapping keeps no
    /// descriptor: most readers never need one, and a sharded checkpoint maps hundreds of files.
    package func reopen() -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, UInt64(st.st_dev) == device, UInt64(st.st_ino) == inode, Int(st.st_size) == size else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Tells the kernel the range will be read sequentially soon (streaming reads of big tensors).
    public func adviseSequential(offset: Int, count: Int) {
        guard let base, count > 0, offset >= 0, offset + count <= size else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), count + (offset - start), MADV_SEQUENTIAL)
    }

    /// Tells the kernel the range is no longer needed by this process: its pages leave the resident set
    /// (the page cache keeps them; reading them again faults them back in). Streaming commands call it
    /// after each chunk so that memory stays near one chunk, not the file.
    public func adviseDontNeed(offset: Int, count: Int) {
        guard let base, count > 0, offset >= 0, offset + count <= size else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), count + (offset - start), MADV_DONTNEED)
    }
}

extension UnsafeRawBufferPointer {
    /// The sub-range `[offset, offset+count)` of a file's bytes (lent by `MappedFile.withBytes`); throws `.truncated`
    /// when it runs past the end, with the wording of `MappedFile`'s own range check.
    public func slice(offset: Int, count: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else {
            throw CheckpointError.truncated("needs bytes \(offset)..<\(offset &+ count) but the file has \(self.count)")
        }
        guard let base = baseAddress, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }
}

