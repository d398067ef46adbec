import CkptCore

/// Reads the legacy `torch.save(..., _use_new_zipfile_serialization=False)` format (FORMATS.md 2): pickles for
/// the magic number, protocol version and sys_info, then the data pickle, the storage key list, and the raw
/// storages, each an i64 element count followed by its bytes, little-endian. Storages are mapped slices of the file.
public enum TorchLegacyReader: CheckpointReader {
    static let magic = "119547037146038801333356"  // 0x1950A86A20F9469CFC6C

    public static func read(_ file: MappedFile) throws -> StateDict {
        try file.withBytes { try read(file, all: $0) }
    }

    /// Reads the file whose bytes are `all`; storages become mapped regions of `file`.
    static func read(_ file: MappedFile, all: UnsafeRawBufferPointer) throws -> StateDict {
        let noStorage: TorchUnpickler.StorageLoader = { _, _, _ in
            throw CheckpointError.malformed("legacy header pickle refers to a storage")
        }
        let header = TorchUnpickler(loadStorage: noStorage)
        let (first, p1) = try header.load(all, position: 0)
        guard case .bigInt(magic) = first else { throw CheckpointError.unrecognized("not a legacy torch file (no magic number)") }
        let (version, p2) = try header.load(all, position: p1)
        guard case .int(1001) = version else {
            throw CheckpointError.unsupported("legacy torch protocol version \(version), expected 1001")
        }
        // sys_info names the writer's machine, but torch writes storages little-endian whatever the machine
        // (THPStorage_writeFileRaw converts; _legacy_load reads sys_info and ignores it), so it is not used.
        let (_, dataStart) = try header.load(all, position: p2)

        // The storages follow the data pickle and the key list, so first find where the data pickle ends,
        // then learn each key's dtype from a dry run before mapping the real bytes.
        let dataEnd = try endOfPickle(all, from: dataStart)
        let (keyList, rawStart) = try header.load(all, position: dataEnd)
        guard case .list(let keyValues) = keyList else { throw CheckpointError.malformed("legacy storage key list is a \(keyList)") }
        let keys = try keyValues.map {
            guard case .string(let s) = $0 else { throw CheckpointError.malformed("legacy storage key \($0) is not a string") }
            return s
        }

        var declared: [String: (dtype: DType, numel: Int)] = [:]
        let dry = TorchUnpickler { key, dtype, numel in
            let d = dtype ?? .uint8
            let (bytes, overflow) = numel.multipliedReportingOverflow(by: d.itemSize)
            guard !overflow, bytes <= file.size else {
                throw CheckpointError.tooLarge("storage \(key) declares \(numel) elements, more than the file holds")
            }
            declared[key] = (d, numel)
            return TensorStorage(key: key, dtype: d, bytes: .loader(count: bytes) { throw CheckpointError.malformed("dry run") })
        }
        _ = try dry.load(all, position: dataStart)

        var regions: [String: ByteSource] = [:]
        var offset = rawStart
        for key in keys {
            guard let (dtype, numel) = declared[key] else {
                throw CheckpointError.malformed("legacy storage \(key) is listed but never used, its size is unknown")
            }
            let countBytes = try all.slice(offset: offset, count: 8)
            let count = Int(Int64(littleEndian: countBytes.loadUnaligned(as: Int64.self)))
            guard count == numel else {
                throw CheckpointError.malformed("legacy storage \(key) holds \(count) elements, the pickle says \(numel)")
            }
            let length = numel * dtype.itemSize
            regions[key] = try .mapped(file, offset: offset + 8, count: length)
            offset += 8 + length
        }
        let real = TorchUnpickler { key, dtype, _ in
            guard let bytes = regions[key] else { throw CheckpointError.malformed("legacy storage \(key) is missing from the key list") }
            return TensorStorage(key: key, dtype: dtype ?? .uint8, bytes: bytes)
        }
        return StateDict(root: try real.load(all, position: dataStart).value)
    }

    /// Offset just past the STOP of the pickle starting at `from`, found by decoding opcodes without running them.
    static func endOfPickle(_ bytes: UnsafeRawBufferPointer, from: Int) throws -> Int {
        var reader = PickleOpcodeReader(bytes, position: from)
        var count = 0
        while true {
            let (_, instruction) = try reader.next()
            if case .stop = instruction { return reader.position }
            count += 1
            guard count <= PickleMachine.maxInstructions else { throw CheckpointError.tooLarge("pickle has too many instructions") }
        }
    }
}
