import CkptCore

/// One ONNX `TensorProto` (FORMATS-MORE.md 4.2–4.3) and the lazy tensor it stands for. Its data is in exactly one
/// place: `raw_data` (little-endian, mapped from the file), a typed field (`float_data`, `int32_data` — one element
/// per int32 for every type of 16 bits or less —, `int64_data`, `double_data`, `uint64_data`: decoded when read),
/// or an external file named relative to the model's folder (`location`, `offset`, `length`: decimal strings).
struct ONNXTensor {
    var name = ""
    var dims: [Int] = []
    var dataType = 0
    var raw: Range<Int>?
    /// The fields of the typed value list, packed or not.
    var typed: [ProtobufCursor.Field] = []
    var typedNumber = 0
    var external: [String: String] = [:]
    var isExternal = false

    /// ONNX `TensorProto.DataType` → dtype (FORMATS-MORE.md 4.2).
    static let dtypes: [Int: DType] = [
        1: .float32, 2: .uint8, 3: .int8, 4: .uint16, 5: .int16, 6: .int32, 7: .int64, 9: .bool, 10: .float16,
        11: .float64, 12: .uint32, 13: .uint64, 14: .complex64, 15: .complex128, 16: .bfloat16, 17: .float8_e4m3fn, 19: .float8_e5m2,
    ]
    static let otherTypes: [Int: String] = [
        0: "UNDEFINED", 8: "STRING", 18: "FLOAT8E4M3FNUZ", 20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1",
        24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2", 27: "FLOAT6E2M3", 28: "FLOAT6E3M2",
    ]

    /// The typed field each dtype's values live in.
    static func typedField(_ dataType: Int) -> Int {
        switch dataType {
        case 1, 14: return 4      // float_data
        case 11, 15: return 10    // double_data
        case 7: return 7          // int64_data
        case 12, 13: return 11    // uint64_data
        default: return 5         // int32_data
        }
    }

    /// Parses the TensorProto at `range`.
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) throws {
        var cursor = ProtobufCursor(bytes, range: range)
        var typedFields: [Int: [ProtobufCursor.Field]] = [:]
        while let f = try cursor.next() {
            switch (f.number, f.wire) {
            case (1, _):
                for d in try cursor.varints(f) {
                    guard dims.count < TensorEntry.maxRank else { throw CheckpointError.malformed("tensor has more than \(TensorEntry.maxRank) dims") }
                    dims.append(Int(Int64(bitPattern: d)))
                }
            case (2, .varint): dataType = Int(truncatingIfNeeded: f.scalar)
            case (4, _), (5, _), (7, _), (10, _), (11, _): typedFields[f.number, default: []].append(f)
            case (8, .lengthDelimited): name = cursor.string(f)
            case (9, .lengthDelimited): raw = f.range
            case (13, .lengthDelimited):
                let pair = try cursor.stringPair(f)
                external[pair.key] = pair.value
            case (14, .varint): isExternal = f.scalar == 1
            default: continue
            }
        }
        typedNumber = Self.typedField(dataType)
        typed = typedFields[typedNumber] ?? []
    }

    /// The tensor, its bytes left where they are (mapped raw or external data) or decoded when read (typed fields).
    func entry(file: MappedFile, folder: String, externalFiles: inout [String: MappedFile]) throws -> TensorEntry {
        guard let dtype = Self.dtypes[dataType] else {
            let known = Self.otherTypes[dataType].map { " (\($0))" } ?? ""
            throw CheckpointError.unsupported("tensor '\(name)' has data type \(dataType)\(known), which ckpt does not read")
        }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw CheckpointError.malformed("tensor '\(name)' has dims \(dims)") }
        guard let numel = TensorEntry.checkedNumel(dims), case (let count, false) = numel.multipliedReportingOverflow(by: dtype.itemSize) else {
            throw CheckpointError.tooLarge("tensor '\(name)' has dims \(dims), which overflow")
        }
        let bytes: ByteSource
        if isExternal {
            bytes = try externalBytes(count: count, folder: folder, files: &externalFiles)
        } else if let raw {
            guard raw.count == count else {
                throw CheckpointError.malformed("tensor '\(name)' has \(raw.count) bytes of raw_data, its dims \(dims) need \(count)")
            }
            bytes = try .mapped(file, offset: raw.lowerBound, count: count)
        } else if count == 0 {
            bytes = .bytes([])
        } else {
            guard !typed.isEmpty else { throw CheckpointError.malformed("tensor '\(name)' holds no data") }
            let fields = typed, number = typedNumber, itemSize = dtype.itemSize, name = name, path = file.path
            bytes = .loader(count: count) {
                do {
                    return try file.withBytes { try ONNXTypedData.decode(fields, field: number, from: $0, itemSize: itemSize, count: numel) }
                } catch let e as CheckpointError {
                    throw FileError(path: path, e.prefixed("tensor '\(name)': "))
                }
            }
        }
        return try TensorEntry(dtype: dtype, shape: dims, storage: TensorStorage(key: name, dtype: dtype, bytes: bytes))
    }

    private func externalBytes(count: Int, folder: String, files: inout [String: MappedFile]) throws -> ByteSource {
        guard let location = external["location"] else { throw CheckpointError.malformed("external tensor '\(name)' has no location") }
        func number(_ key: String) throws -> Int? {
            guard let text = external[key] else { return nil }
            guard let n = Int(text), n >= 0 else { throw CheckpointError.malformed("external tensor '\(name)' has \(key) '\(text.prefix(40))'") }
            return n
        }
        let offset = try number("offset") ?? 0
        if files[location] == nil {
            files[location] = try MappedFile(path: FolderMember.path(location, in: folder, what: "external data file"))
        }
        guard let data = files[location] else { throw CheckpointError.notFound("external data file '\(location)'") }
        let length = try number("length") ?? (data.size - min(offset, data.size))
        guard offset <= data.size, length <= data.size - offset else {
            throw CheckpointError.malformed("external tensor '\(name)' is at \(offset)..<\(offset &+ length) of '\(location)', which has \(data.size) bytes")
        }
        guard length == count else {
            throw CheckpointError.malformed("external tensor '\(name)' has \(length) bytes in '\(location)', its dims \(dims) need \(count)")
        }
        return try .mapped(data, offset: offset, count: count)
    }
}
