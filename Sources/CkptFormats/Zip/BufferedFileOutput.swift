import CkptCore
import Foundation

/// A write-only file with a 1 MiB buffer; large writes go straight to the file. Tracks the byte position so
/// writers can record offsets without seeking.
public final class BufferedFileOutput {
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    /// Bytes written so far (buffered or not).
    public private(set) var position = 0
    public let path: String

    /// Creates or truncates `path`.
    public init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if fd >= 0 { Foundation.close(fd) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        position += bytes.count
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends `count` copies of `byte`.
    public func write(repeating byte: UInt8, count: Int) throws {
        var left = count
        let chunk = [UInt8](repeating: byte, count: min(count, 1 << 16))
        while left > 0 {
            let n = min(left, chunk.count)
            try chunk.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0 ..< n])) }
            left -= n
        }
    }

    /// Writes out the buffer.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; the file is complete only after this returns.
    public func close() throws {
        try flush()
        guard fd >= 0 else { return }
        let result = Foundation.close(fd)
        fd = -1
        guard result == 0 else { throw CheckpointError.io("cannot close \(path): \(String(cString: strerror(errno)))") }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw CheckpointError.io("write to closed file \(path)") }
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let n = Foundation.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.io("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }
}
