import CkptCore

/// Pickle opcodes of protocols 0–5 (CPython `Lib/pickle.py`), by byte value.
enum PickleOpcode: UInt8 {
    case mark = 0x28, stop = 0x2E, pop = 0x30, popMark = 0x31, dup = 0x32
    case float = 0x46, int = 0x49, binInt = 0x4A, binInt1 = 0x4B, long = 0x4C, binInt2 = 0x4D, none = 0x4E
    case persId = 0x50, binPersId = 0x51, reduce = 0x52, string = 0x53, binString = 0x54, shortBinString = 0x55
    case unicode = 0x56, binUnicode = 0x58, append = 0x61, build = 0x62, global = 0x63, dict = 0x64
    case emptyDict = 0x7D, appends = 0x65, get = 0x67, binGet = 0x68, inst = 0x69, longBinGet = 0x6A
    case list = 0x6C, emptyList = 0x5D, obj = 0x6F, put = 0x70, binPut = 0x71, longBinPut = 0x72
    case setItem = 0x73, tuple = 0x74, emptyTuple = 0x29, setItems = 0x75, binFloat = 0x47
    // protocol 2
    case proto = 0x80, newObj = 0x81, ext1 = 0x82, ext2 = 0x83, ext4 = 0x84
    case tuple1 = 0x85, tuple2 = 0x86, tuple3 = 0x87, newTrue = 0x88, newFalse = 0x89, long1 = 0x8A, long4 = 0x8B
    // protocol 3
    case binBytes = 0x42, shortBinBytes = 0x43
    // protocol 4
    case shortBinUnicode = 0x8C, binUnicode8 = 0x8D, binBytes8 = 0x8E, emptySet = 0x8F, addItems = 0x90
    case frozenSet = 0x91, newObjEx = 0x92, stackGlobal = 0x93, memoize = 0x94, frame = 0x95
    // protocol 5
    case byteArray8 = 0x96, nextBuffer = 0x97, readonlyBuffer = 0x98

    /// Python's name for the opcode (`pickletools`): `STACK_GLOBAL`, `BINUNICODE`.
    var name: String {
        switch self {
        case .mark: return "MARK"
        case .stop: return "STOP"
        case .pop: return "POP"
        case .popMark: return "POP_MARK"
        case .dup: return "DUP"
        case .float: return "FLOAT"
        case .int: return "INT"
        case .binInt: return "BININT"
        case .binInt1: return "BININT1"
        case .long: return "LONG"
        case .binInt2: return "BININT2"
        case .none: return "NONE"
        case .persId: return "PERSID"
        case .binPersId: return "BINPERSID"
        case .reduce: return "REDUCE"
        case .string: return "STRING"
        case .binString: return "BINSTRING"
        case .shortBinString: return "SHORT_BINSTRING"
        case .unicode: return "UNICODE"
        case .binUnicode: return "BINUNICODE"
        case .append: return "APPEND"
        case .build: return "BUILD"
        case .global: return "GLOBAL"
        case .dict: return "DICT"
        case .emptyDict: return "EMPTY_DICT"
        case .appends: return "APPENDS"
        case .get: return "GET"
        case .binGet: return "BINGET"
        case .inst: return "INST"
        case .longBinGet: return "LONG_BINGET"
        case .list: return "LIST"
        case .emptyList: return "EMPTY_LIST"
        case .obj: return "OBJ"
        case .put: return "PUT"
        case .binPut: return "BINPUT"
        case .longBinPut: return "LONG_BINPUT"
        case .setItem: return "SETITEM"
        case .tuple: return "TUPLE"
        case .emptyTuple: return "EMPTY_TUPLE"
        case .setItems: return "SETITEMS"
        case .binFloat: return "BINFLOAT"
        case .proto: return "PROTO"
        case .newObj: return "NEWOBJ"
        case .ext1: return "EXT1"
        case .ext2: return "EXT2"
        case .ext4: return "EXT4"
        case .tuple1: return "TUPLE1"
        case .tuple2: return "TUPLE2"
        case .tuple3: return "TUPLE3"
        case .newTrue: return "NEWTRUE"
        case .newFalse: return "NEWFALSE"
        case .long1: return "LONG1"
        case .long4: return "LONG4"
        case .binBytes: return "BINBYTES"
        case .shortBinBytes: return "SHORT_BINBYTES"
        case .shortBinUnicode: return "SHORT_BINUNICODE"
        case .binUnicode8: return "BINUNICODE8"
        case .binBytes8: return "BINBYTES8"
        case .emptySet: return "EMPTY_SET"
        case .addItems: return "ADDITEMS"
        case .frozenSet: return "FROZENSET"
        case .newObjEx: return "NEWOBJ_EX"
        case .stackGlobal: return "STACK_GLOBAL"
        case .memoize: return "MEMOIZE"
        case .frame: return "FRAME"
        case .byteArray8: return "BYTEARRAY8"
        case .nextBuffer: return "NEXT_BUFFER"
        case .readonlyBuffer: return "READONLY_BUFFER"
        }
    }

    /// The opcodes `torch.load(weights_only=True)` accepts (FORMATS.md 1.8); anything else makes it fail.
    var weightsOnlyAccepts: Bool {
        switch self {
        case .proto, .stop, .global, .reduce, .newObj, .build, .mark, .tuple, .tuple1, .tuple2, .tuple3,
             .emptyTuple, .emptyList, .emptyDict, .emptySet, .append, .appends, .setItem, .setItems, .none,
             .newTrue, .newFalse, .binInt, .binInt1, .binInt2, .long1, .binFloat, .binUnicode, .shortBinString,
             .binPersId, .binGet, .longBinGet, .binPut, .longBinPut:
            return true
        default:
            return false
        }
    }
}

/// One decoded instruction: the opcode with its inline argument parsed.
enum PickleInstruction {
    case proto(Int), frame, stop, mark, pop, popMark, dup
    case int(Int), bigInt(String), float(Double), none, bool(Bool)
    case string(String), bytes([UInt8]), byteArray([UInt8])
    case global(module: String, name: String), stackGlobal
    case emptyTuple, tuple, tuple1, tuple2, tuple3, emptyList, list, append, appends
    case emptyDict, dict, setItem, setItems, emptySet, addItems, frozenSet
    case get(Int), put(Int), memoize
    case reduce, build, newObj, newObjEx, binPersId
}

/// Reads instructions from pickle bytes. Every length is checked against the bytes that remain, so a
/// hostile length field fails instead of allocating.
struct PickleOpcodeReader {
    let bytes: UnsafeRawBufferPointer
    /// Offset of the next opcode.
    private(set) var position: Int
    /// Largest LONG4 integer accepted, in bytes (Python ints in checkpoints are tiny).
    static let maxLongBytes = 1024

    /// When scanning (never executing), INST is decoded as the global it names instead of refused.
    let scanning: Bool

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, scanning: Bool = false) {
        self.bytes = bytes
        self.position = position
        self.scanning = scanning
    }

    var isAtEnd: Bool { position >= bytes.count }

    /// Decodes the next instruction; throws on unknown or refused opcodes and on truncated arguments.
    mutating func next() throws -> (PickleOpcode, PickleInstruction) {
        let at = position
        let byte = try u8()
        guard let op = PickleOpcode(rawValue: byte) else {
            throw CheckpointError.malformed("pickle has unknown opcode 0x\(String(byte, radix: 16)) at byte \(at)")
        }
        return (op, try argument(op, at: at))
    }

    private mutating func argument(_ op: PickleOpcode, at: Int) throws -> PickleInstruction {
        switch op {
        case .proto: return .proto(Int(try u8()))
        case .frame: _ = try take(8); return .frame
        case .stop: return .stop
        case .mark: return .mark
        case .pop: return .pop
        case .popMark: return .popMark
        case .dup: return .dup
        case .binInt: return .int(Int(Int32(bitPattern: UInt32(try uint(4)))))
        case .binInt1: return .int(Int(try u8()))
        case .binInt2: return .int(Int(try uint(2)))
        case .long1: return try long(Int(try u8()))
        case .long4:
            let n = Int(Int32(bitPattern: UInt32(try uint(4))))
            guard n >= 0, n <= PickleOpcodeReader.maxLongBytes else {
                throw CheckpointError.tooLarge("pickle LONG4 integer of \(n) bytes at byte \(at)")
            }
            return try long(n)
        case .binFloat:
            // BINFLOAT is big-endian (FORMATS.md 7.6).
            let raw = try take(8)
            return .float(Double(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
        case .none: return .none
        case .newTrue: return .bool(true)
        case .newFalse: return .bool(false)
        case .binUnicode: return .string(try utf8(count: try uint(4), at: at))
        case .shortBinUnicode: return .string(try utf8(count: UInt64(try u8()), at: at))
        case .binUnicode8: return .string(try utf8(count: try uint(8), at: at))
        case .shortBinString: return .string(latin1(try take(Int(try u8()))))
        case .binString:
            let n = Int32(bitPattern: UInt32(try uint(4)))
            guard n >= 0 else { throw CheckpointError.malformed("pickle BINSTRING with negative length at byte \(at)") }
            return .string(latin1(try take(Int(n))))
        case .shortBinBytes: return .bytes(Array(try take(Int(try u8()))))
        case .binBytes: return .bytes(Array(try take(try length(try uint(4)))))
        case .binBytes8: return .bytes(Array(try take(try length(try uint(8)))))
        case .byteArray8: return .byteArray(Array(try take(try length(try uint(8)))))
        case .global:
            let module = try line(at: at), name = try line(at: at)
            return .global(module: module, name: name)
        case .stackGlobal: return .stackGlobal
        case .emptyTuple: return .emptyTuple
        case .tuple: return .tuple
        case .tuple1: return .tuple1
        case .tuple2: return .tuple2
        case .tuple3: return .tuple3
        case .emptyList: return .emptyList
        case .list: return .list
        case .append: return .append
        case .appends: return .appends
        case .emptyDict: return .emptyDict
        case .dict: return .dict
        case .setItem: return .setItem
        case .setItems: return .setItems
        case .emptySet: return .emptySet
        case .addItems: return .addItems
        case .frozenSet: return .frozenSet
        case .binGet: return .get(Int(try u8()))
        case .longBinGet: return .get(Int(try uint(4)))
        case .binPut: return .put(Int(try u8()))
        case .longBinPut: return .put(Int(try uint(4)))
        case .memoize: return .memoize
        case .reduce: return .reduce
        case .build: return .build
        case .newObj: return .newObj
        case .newObjEx: return .newObjEx
        case .binPersId: return .binPersId
        case .inst where scanning:
            let module = try line(at: at), name = try line(at: at)
            return .global(module: module, name: name)
        case .float, .int, .long, .string, .unicode, .get, .put, .persId, .inst, .obj, .ext1, .ext2, .ext4,
             .nextBuffer, .readonlyBuffer:
            throw CheckpointError.unsafe("pickle uses opcode \(op.name) (0x\(String(op.rawValue, radix: 16))) at byte \(at), which ckpt refuses")
        }
    }

    // MARK: primitive reads

    private mutating func u8() throws -> UInt8 {
        guard position < bytes.count else { throw CheckpointError.truncated("pickle ends without STOP at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    /// A little-endian unsigned integer of `n` bytes.
    private mutating func uint(_ n: Int) throws -> UInt64 {
        guard n <= bytes.count - position else {
            throw CheckpointError.truncated("pickle declares \(n) bytes at byte \(position) but only \(bytes.count - position) remain")
        }
        var v: UInt64 = 0
        var i = 0
        while i < n {
            v |= UInt64(bytes[position + i]) << (8 * UInt64(i))
            i += 1
        }
        position += n
        return v
    }

    private func length(_ n: UInt64) throws -> Int {
        guard n <= UInt64(bytes.count - position) else {
            throw CheckpointError.truncated("pickle declares \(n) bytes at byte \(position) but only \(bytes.count - position) remain")
        }
        return Int(n)
    }

    private mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer.SubSequence {
        guard n >= 0, n <= bytes.count - position else {
            throw CheckpointError.truncated("pickle declares \(n) bytes at byte \(position) but only \(bytes.count - position) remain")
        }
        defer { position += n }
        return bytes[position ..< position + n]
    }

    private mutating func utf8(count: UInt64, at: Int) throws -> String {
        let raw = try take(try length(count))
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw CheckpointError.malformed("pickle string at byte \(at) is not valid UTF-8")
        }
        return s
    }

    private func latin1(_ raw: UnsafeRawBufferPointer.SubSequence) -> String {
        String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
    }

    /// A text line for GLOBAL (`module\n`), at most 1024 bytes.
    private mutating func line(at: Int) throws -> String {
        let start = position
        let limit = min(bytes.count, position + 1024)
        var end = position
        while end < limit && bytes[end] != 0x0A { end += 1 }
        guard end < limit else { throw CheckpointError.malformed("pickle GLOBAL at byte \(at) has no end of line") }
        position = end + 1
        guard let s = String(validating: bytes[start ..< end], as: UTF8.self) else {
            throw CheckpointError.malformed("pickle GLOBAL at byte \(at) is not valid UTF-8")
        }
        return s
    }

    /// LONG1/LONG4: `n` bytes of little-endian two's complement.
    private mutating func long(_ n: Int) throws -> PickleInstruction {
        let raw = Array(try take(n))
        if n == 0 { return .int(0) }
        if n <= 8 {
            var v: UInt64 = 0
            for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            if n < 8, raw[n - 1] & 0x80 != 0 { v |= ~UInt64(0) << (8 * UInt64(n)) }
            return .int(Int(Int64(bitPattern: v)))
        }
        let digits = PickleBigInt.decimal(twosComplement: raw)
        return Int(digits).map { .int($0) } ?? .bigInt(digits)
    }
}
