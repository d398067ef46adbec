import CkptCore

/// Random access to a tensor's elements straight from its storage (any strides, either byte order),
/// so that printing and sampling read only the elements they need.
struct TensorElements {
    let entry: TensorEntry
    let raw: UnsafeRawBufferPointer
    private let swap: Bool

    init(_ entry: TensorEntry, raw: UnsafeRawBufferPointer) {
        self.entry = entry
        self.raw = raw
        self.swap = entry.storage.byteOrder == .big
    }

    /// Storage element offset of a logical multi-index.
    func storageIndex(_ index: [Int]) -> Int {
        var o = entry.storageOffset
        for (i, s) in zip(index, entry.strides) { o += i * s }
        return o
    }

    private func load<T: FixedWidthInteger>(_ t: T.Type, byteOffset: Int) -> T {
        let v = raw.loadUnaligned(fromByteOffset: byteOffset, as: T.self)
        return swap ? v.byteSwapped : v
    }

    /// The element at storage offset `i` as a Double (complex: the real part; `imag` for the other).
    func double(at i: Int, imaginary: Bool = false) -> Double {
        let item = entry.dtype.itemSize
        let b = i * item
        switch entry.dtype {
        case .float32: return Double(Float(bitPattern: load(UInt32.self, byteOffset: b)))
        case .float64: return Double(bitPattern: load(UInt64.self, byteOffset: b))
        case .float16: return Double(HalfConversion.float(fromHalf: load(UInt16.self, byteOffset: b)))
        case .bfloat16: return Double(HalfConversion.float(fromBFloat16: load(UInt16.self, byteOffset: b)))
        case .float8_e4m3fn: return Double(HalfConversion.float(fromE4M3: raw[b]))
        case .float8_e5m2: return Double(HalfConversion.float(fromE5M2: raw[b]))
        case .complex64:
            return Double(Float(bitPattern: load(UInt32.self, byteOffset: b + (imaginary ? 4 : 0))))
        case .complex128:
            return Double(bitPattern: load(UInt64.self, byteOffset: b + (imaginary ? 8 : 0)))
        case .int64: return Double(Int64(bitPattern: load(UInt64.self, byteOffset: b)))
        case .int32: return Double(Int32(bitPattern: load(UInt32.self, byteOffset: b)))
        case .int16: return Double(Int16(bitPattern: load(UInt16.self, byteOffset: b)))
        case .int8: return Double(Int8(bitPattern: raw[b]))
        case .uint8: return Double(raw[b])
        case .uint16: return Double(load(UInt16.self, byteOffset: b))
        case .uint32: return Double(load(UInt32.self, byteOffset: b))
        case .uint64: return Double(load(UInt64.self, byteOffset: b))
        case .bool: return raw[b] != 0 ? 1 : 0
        }
    }

    /// The element at storage offset `i` as Python's `str()` of `tolist()` would give it, for non-floating dtypes.
    func integerText(at i: Int) -> String {
        let b = i * entry.dtype.itemSize
        switch entry.dtype {
        case .int64: return String(Int64(bitPattern: load(UInt64.self, byteOffset: b)))
        case .int32: return String(Int32(bitPattern: load(UInt32.self, byteOffset: b)))
        case .int16: return String(Int16(bitPattern: load(UInt16.self, byteOffset: b)))
        case .int8: return String(Int8(bitPattern: raw[b]))
        case .uint8: return String(raw[b])
        case .uint16: return String(load(UInt16.self, byteOffset: b))
        case .uint32: return String(load(UInt32.self, byteOffset: b))
        case .uint64: return String(load(UInt64.self, byteOffset: b))
        case .bool: return raw[b] != 0 ? "True" : "False"
        default: return String(double(at: i))
        }
    }
}
