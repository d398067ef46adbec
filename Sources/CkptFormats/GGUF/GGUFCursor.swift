import CkptCore
import Foundation

/// Sequential reads of a GGUF header's fields from the file's bytes (lent by `MappedFile.withBytes`: a cursor
/// lives only inside that closure): every read is bounds-checked first and fails with a one-line `.truncated`
/// error naming what was being read, and multi-byte fields follow the file's byte order (big-endian files are
/// byte-swapped here, nowhere else).
struct GGUFCursor {
    let raw: UnsafeRawBufferPointer
    let bigEndian: Bool
    private(set) var offset: Int

    init(raw: UnsafeRawBufferPointer, bigEndian: Bool, offset: Int = 0) {
        self.raw = raw
        self.bigEndian = bigEndian
        self.offset = offset
    }

    /// Bytes left after the cursor.
    var remaining: Int { raw.count - offset }

    /// The next `count` bytes (not copied), then moves past them.
    mutating func bytes(_ count: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else {
            throw CheckpointError.truncated("file ends inside \(what()) at byte \(offset): needs \(count) bytes, \(max(0, remaining)) left")
        }
        let bytes = try raw.slice(offset: offset, count: count)
        offset += count
        return bytes
    }

    /// Moves past `count` bytes after checking they are in the file.
    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw CheckpointError.truncated("file ends inside \(what()) at byte \(offset): needs \(count) bytes, \(max(0, remaining)) left")
        }
        offset += count
    }

    /// Moves to `target` (forward only, inside the file).
    mutating func seek(to target: Int, _ what: @autoclosure () -> String) throws {
        try skip(target - offset, what())
    }

    /// A fixed-width integer in the file's byte order.
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let raw = try bytes(MemoryLayout<T>.size, what())
        let v = raw.loadUnaligned(as: T.self)
        return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
    }

    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 { try integer(UInt32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try integer(UInt64.self, what()) }

    /// A u64 count or length that must fit in `Int` and in what is left of the file at `minimumSize` bytes per item.
    mutating func count(_ what: @autoclosure () -> String, minimumSize: Int) throws -> Int {
        let n = try u64(what())
        let limit = UInt64(max(0, remaining) / max(1, minimumSize))
        guard n <= limit else {
            throw CheckpointError.malformed("\(what()) is \(n) but the \(remaining) bytes left can hold at most \(limit)")
        }
        return Int(n)
    }

    /// A GGUF string: u64 length, then that many UTF-8 bytes (no NUL). Invalid UTF-8 is replaced, not refused.
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let n = try count("length of \(what())", minimumSize: 1)
        return String(decoding: try bytes(n, what()), as: UTF8.self)
    }

    /// Moves past a GGUF string without decoding it.
    mutating func skipString(_ what: @autoclosure () -> String) throws {
        let n = try count("length of \(what())", minimumSize: 1)
        try skip(n, what())
    }
}

extension String {
    /// A name from the file in single quotes for a one-line message: control characters and quotes escaped,
    /// at most 120 characters kept (a damaged or hostile file may hold any bytes in a key).
    var ggufQuoted: String {
        var out = "'"
        for (i, c) in unicodeScalars.enumerated() {
            if i == 120 { out += "…"; break }
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "'", "\\": out += "\\" + String(c)
            default:
                if c.value < 0x20 || c.value == 0x7F || (0x80 ..< 0xA0).contains(c.value) || c.properties.generalCategory == .lineSeparator
                    || c.properties.generalCategory == .paragraphSeparator {
                    out += String(format: "\\u{%x}", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "'"
    }
}
