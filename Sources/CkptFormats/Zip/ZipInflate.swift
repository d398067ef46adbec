import CkptCore
import CZlib

/// Raw DEFLATE decoding (zip method 8) through zlib into a buffer of exactly the declared size: a member that
/// inflates to more or fewer bytes than its central directory says is an error, and nothing larger is allocated.
enum ZipInflate {
    static func inflate(_ input: UnsafeRawBufferPointer, expectedSize: Int, name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard ckpt_inflate_init_raw(&stream) == Z_OK else { throw CheckpointError.io("zlib inflateInit failed") }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: expectedSize)
        var consumed = 0, produced = 0
        var spare: UInt8 = 0
        /// Hands zlib the next piece of input (at most 4 GiB at a time) once it has used up the last.
        func refill() {
            guard stream.avail_in == 0, consumed < input.count, let base = input.baseAddress else { return }
            let n = min(input.count - consumed, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: (base + consumed).assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(n)
            consumed += n
        }
        try out.withUnsafeMutableBytes { dst in
            while true {
                refill()
                let room = min(expectedSize - produced, Int(UInt32.max))
                let status: Int32
                if room > 0, let base = dst.baseAddress {
                    stream.next_out = (base + produced).assumingMemoryBound(to: UInt8.self)
                    stream.avail_out = UInt32(room)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                } else {
                    // The buffer is full: the stream must end here without producing another byte.
                    status = withUnsafeMutablePointer(to: &spare) { p in
                        stream.next_out = p
                        stream.avail_out = 1
                        return CZlib.inflate(&stream, Z_NO_FLUSH)
                    }
                    if stream.avail_out == 0 {
                        throw CheckpointError.malformed("zip member '\(name)' inflates to more than its declared \(expectedSize) bytes")
                    }
                }
                switch status {
                case Z_STREAM_END: return
                case Z_OK: continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw CheckpointError.truncated("zip member '\(name)' ends inside its DEFLATE stream")
                default:
                    throw CheckpointError.malformed("zip member '\(name)' has corrupt DEFLATE data")
                }
            }
        }
        guard produced == expectedSize else {
            throw CheckpointError.malformed("zip member '\(name)' inflates to \(produced) bytes, not its declared \(expectedSize)")
        }
        return out
    }
}

extension ZipInflate {
    /// The first `count` bytes of a DEFLATE stream (no CRC check: the rest is not decoded). Reading a member's
    /// header this way keeps metadata commands from inflating whole members.
    static func inflatePrefix(_ input: UnsafeRawBufferPointer, count: Int, name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard ckpt_inflate_init_raw(&stream) == Z_OK else { throw CheckpointError.io("zlib inflateInit failed") }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        var produced = 0
        try out.withUnsafeMutableBytes { dst in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(min(input.count, Int(UInt32.max)))
            while produced < count {
                stream.next_out = (dst.baseAddress! + produced).assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(count - produced)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced = count - Int(stream.avail_out)
                if status == Z_STREAM_END { break }
                guard status == Z_OK else {
                    throw status == Z_BUF_ERROR
                        ? CheckpointError.truncated("zip member '\(name)' ends inside its DEFLATE stream")
                        : CheckpointError.malformed("zip member '\(name)' has corrupt DEFLATE data")
                }
            }
        }
        guard produced == count else {
            throw CheckpointError.malformed("zip member '\(name)' inflates to fewer bytes than its declared size")
        }
        return out
    }
}
