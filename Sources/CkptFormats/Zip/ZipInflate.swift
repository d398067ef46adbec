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
        var consumed = 0
        var produced = 0
        var ended = false
        try out.withUnsafeMutableBytes { dst in
            while !ended {
                if stream.avail_in == 0 && consumed < input.count {
                    let n = min(input.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: (input.baseAddress! + consumed).assumingMemoryBound(to: UInt8.self))
                    stream.avail_in = UInt32(n)
                    consumed += n
                }
                let room = min(expectedSize - produced, Int(UInt32.max))
                if room == 0 { break }
                stream.next_out = (dst.baseAddress! + produced).assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(room)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced += room - Int(stream.avail_out)
                switch status {
                case Z_STREAM_END: ended = true
                case Z_OK: continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw CheckpointError.truncated("zip member '\(name)' ends inside its DEFLATE stream")
                default:
                    throw CheckpointError.malformed("zip member '\(name)' has corrupt DEFLATE data")
                }
            }
        }
        if !ended {
            // The buffer is full: the stream must end here without producing another byte.
            var spare: UInt8 = 0
            while !ended {
                if stream.avail_in == 0 && consumed < input.count {
                    let n = min(input.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: (input.baseAddress! + consumed).assumingMemoryBound(to: UInt8.self))
                    stream.avail_in = UInt32(n)
                    consumed += n
                }
                let status = withUnsafeMutablePointer(to: &spare) { p -> Int32 in
                    stream.next_out = p
                    stream.avail_out = 1
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                if stream.avail_out == 0 {
                    throw CheckpointError.malformed("zip member '\(name)' inflates to more than its declared \(expectedSize) bytes")
                }
                switch status {
                case Z_STREAM_END: ended = true
                case Z_OK: continue
                case Z_BUF_ERROR: throw CheckpointError.truncated("zip member '\(name)' ends inside its DEFLATE stream")
                default: throw CheckpointError.malformed("zip member '\(name)' has corrupt DEFLATE data")
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
