import Foundation

/// A whole file mapped read-only into memory. Pages are touched only when bytes are read,
/// so metadata-only commands cost what they read, not the file size.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    private let base: UnsafeRawPointer?

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
        if size == 0 { base = nil; return }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError.io("cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The bytes `[offset, offset+count)`; throws `.truncated` when the range runs past the end of the file.
    public func bytes(offset: Int, count: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw CheckpointError.truncated("needs bytes \(offset)..<\(offset &+ count) but the file has \(size)")
        }
        guard let base, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
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
