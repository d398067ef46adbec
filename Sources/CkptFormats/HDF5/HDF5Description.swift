import CkptCore

/// What a guarded child process found walking an HDF5 file (Sources/CHDF5Support/hdf5_walk.h): every object
/// reachable through hard links, once each, with its attributes read whole, a group's links in the order ckpt
/// lists them, and a dataset's shape, datatype and storage. The reader builds a state_dict from this alone, so
/// libhdf5 never runs on untrusted metadata in ckpt's own process. A failure libhdf5 reported is kept where it
/// happened and thrown only if the reader needs that part.
struct HDF5Description {
    /// One hard link of a group.
    struct Link {
        var name: String
        /// Index into `objects`.
        var object: Int
    }

    /// A dataset's dataspace, datatype and storage.
    struct Dataset {
        var shape: [UInt64]
        var type: HDF5TypeFacts
        var externalFiles: Int32
        var layout: Int32
        var filters: Int32
        /// Where contiguous data starts in the image (`UInt64.max`: not allocated, or not contiguous).
        var offset: UInt64
        var storedBytes: UInt64
        /// A string dataset's value.
        var value: Result<HDF5Value, CheckpointError>?
    }

    enum Body {
        /// `byName`: listed in name order (the group does not index creation order).
        case group(Result<[Link], CheckpointError>, byName: Bool)
        /// nil: a null dataspace (no value).
        case dataset(Result<Dataset?, CheckpointError>)
        case other
    }

    struct Object {
        var address: UInt64
        var attributes: Result<[(name: String, value: Result<HDF5Value, CheckpointError>)], CheckpointError>
        var body: Body
        var isGroup: Bool { if case .group = body { return true } else { return false } }
        var isDataset: Bool { if case .dataset = body { return true } else { return false } }
    }

    /// Every object; the root group is `objects[0]`.
    private(set) var objects: [Object] = []

    /// Decodes a description; throws when it is inconsistent (it never is when the child finished).
    init(_ bytes: UnsafeRawBufferPointer) throws {
        var reader = Decoder(bytes: bytes)
        guard try reader.bytes(4) == Array("CKH5".utf8) else { throw Decoder.broken }
        var byAddress: [UInt64: Int] = [:]
        if case .failure(let error) = try decodeObject(&reader, &byAddress) { throw error }
        guard reader.atEnd, !objects.isEmpty, objects[0].isGroup else { throw Decoder.broken }
    }

    /// Decodes one object record; returns its index, or the error the record holds.
    private mutating func decodeObject(_ r: inout Decoder, _ byAddress: inout [UInt64: Int]) throws -> Result<Int, CheckpointError> {
        let tag = try r.u8()
        switch tag {
        case UInt8(ascii: "R"):
            guard let index = byAddress[try r.u64()] else { throw Decoder.broken }
            return .success(index)
        case UInt8(ascii: "!"):
            return .failure(try r.error())
        case UInt8(ascii: "G"), UInt8(ascii: "D"), UInt8(ascii: "O"):
            let address = try r.u64()
            let index = objects.count
            byAddress[address] = index
            objects.append(Object(address: address, attributes: .success([]), body: .other))
            if tag == UInt8(ascii: "O") { return .success(index) }
            let attributes = try decodeAttributes(&r)
            let body: Body = tag == UInt8(ascii: "G") ? try decodeLinks(&r, &byAddress) : .dataset(try decodeDataset(&r))
            objects[index].attributes = attributes
            objects[index].body = body
            return .success(index)
        default:
            throw Decoder.broken
        }
    }

    private func decodeAttributes(_ r: inout Decoder) throws -> Result<[(name: String, value: Result<HDF5Value, CheckpointError>)], CheckpointError> {
        var out: [(name: String, value: Result<HDF5Value, CheckpointError>)] = []
        while true {
            switch try r.u8() {
            case UInt8(ascii: "a"): out.append((try r.string(), try r.value()))
            case UInt8(ascii: "."): return .success(out)
            case UInt8(ascii: "!"): return .failure(try r.error())
            default: throw Decoder.broken
            }
        }
    }

    private mutating func decodeLinks(_ r: inout Decoder, _ byAddress: inout [UInt64: Int]) throws -> Body {
        var out: [Link] = []
        let order = try r.u8()
        if order == UInt8(ascii: "!") { return .group(.failure(try r.error()), byName: true) }
        guard order == UInt8(ascii: "c") || order == UInt8(ascii: "n") else { throw Decoder.broken }
        let byName = order == UInt8(ascii: "n")
        while true {
            switch try r.u8() {
            case UInt8(ascii: "l"):
                let name = try r.string()
                switch try decodeObject(&r, &byAddress) {
                case .success(let index): out.append(Link(name: name, object: index))
                case .failure(let error): return .group(.failure(error), byName: byName)
                }
            case UInt8(ascii: "."): return .group(.success(out), byName: byName)
            case UInt8(ascii: "!"): return .group(.failure(try r.error()), byName: byName)
            default: throw Decoder.broken
            }
        }
    }

    private func decodeDataset(_ r: inout Decoder) throws -> Result<Dataset?, CheckpointError> {
        switch try r.u8() {
        case UInt8(ascii: "N"): return .success(nil)
        case UInt8(ascii: "!"): return .failure(try r.error())
        case UInt8(ascii: "S"):
            let rank = Int(try r.u32())
            guard rank <= TensorEntry.maxRank else { throw Decoder.broken }
            let shape = try (0 ..< rank).map { _ in try r.u64() }
            let type = try r.typeFacts(depth: 0)
            var d = Dataset(shape: shape, type: type, externalFiles: try r.i32(), layout: try r.i32(), filters: try r.i32(),
                            offset: try r.u64(), storedBytes: try r.u64(), value: nil)
            if type.isString { d.value = try r.value() }
            return .success(d)
        default:
            throw Decoder.broken
        }
    }
}

/// Reads the description's records (native byte order: the child is this program).
private struct Decoder {
    static let broken = CheckpointError.malformed("the HDF5 reader's helper process sent an inconsistent description")
    let bytes: UnsafeRawBufferPointer
    var at = 0
    var atEnd: Bool { at == bytes.count }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= bytes.count - at else { throw Decoder.broken }
        defer { at += n }
        return Array(bytes[at ..< at + n])
    }
    mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let n = MemoryLayout<T>.size
        guard n <= bytes.count - at else { throw Decoder.broken }
        defer { at += n }
        return bytes.loadUnaligned(fromByteOffset: at, as: T.self)
    }
    mutating func u8() throws -> UInt8 { try load(UInt8.self) }
    mutating func u32() throws -> UInt32 { try load(UInt32.self) }
    mutating func i32() throws -> Int32 { try load(Int32.self) }
    mutating func u64() throws -> UInt64 { try load(UInt64.self) }
    mutating func i64() throws -> Int64 { try load(Int64.self) }
    mutating func string() throws -> String {
        let n = Int(try u32())
        guard n <= bytes.count - at else { throw Decoder.broken }
        defer { at += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at ..< at + n]), as: UTF8.self)
    }

    /// The error of an error record (after its '!').
    mutating func error() throws -> CheckpointError {
        let kind = try u8()
        let message = try string()
        switch kind {
        case UInt8(ascii: "t"): return .tooLarge(message)
        case UInt8(ascii: "u"): return .unsupported(message)
        default: return .malformed(message)
        }
    }

    mutating func value() throws -> Result<HDF5Value, CheckpointError> {
        let tag = try u8()
        if tag == UInt8(ascii: "!") { return .failure(try error()) }
        if tag == UInt8(ascii: "o") { return .success(.other(try string())) }
        let scalar = try u8() != 0
        let n = Int(try u32())
        guard n <= (bytes.count - at) / 4 else { throw Decoder.broken }  // every item takes at least 4 bytes
        switch tag {
        case UInt8(ascii: "s"): return .success(.strings(try (0 ..< n).map { _ in try string() }, scalar: scalar))
        case UInt8(ascii: "i"): return .success(.ints(try (0 ..< n).map { _ in Int(try i64()) }, scalar: scalar))
        case UInt8(ascii: "f"): return .success(.floats(try (0 ..< n).map { _ in Double(bitPattern: try u64()) }, scalar: scalar))
        default: throw Decoder.broken
        }
    }

    mutating func typeFacts(depth: Int) throws -> HDF5TypeFacts {
        guard depth < 2 else { throw Decoder.broken }
        var t = HDF5TypeFacts(typeClass: try i32(), size: Int(clamping: try u64()), bigEndian: try u8() != 0,
                              signed: try u8() != 0, fields: [], exponentBias: 0, isBoolEnum: false, enumBaseSigned: nil,
                              complexPart: [])
        t.fields = try (0 ..< 5).map { _ in Int(try i64()) }
        t.exponentBias = try u64()
        t.isBoolEnum = try u8() != 0
        let base = try u8()
        t.enumBaseSigned = base == 2 ? nil : base != 0
        if try u8() != 0 { t.complexPart = [try typeFacts(depth: depth + 1)] }
        return t
    }
}
