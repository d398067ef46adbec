/// Element values as Float or Double, and dtype conversion, for statistics, diffs, printing and the engine.
extension TensorEntry {
    /// All elements as Double (complex: real parts only). Throws for dtypes without a real value.
    public func doubleValues() throws -> [Double] {
        try withContiguousBytes { TensorEntry.decode($0, dtype: dtype) }
    }

    /// All elements as Float.
    public func floatValues() throws -> [Float] {
        try withContiguousBytes { raw in
            switch dtype {
            case .float32: return Array(raw.bindMemory(to: Float.self))
            case .float16: return raw.bindMemory(to: UInt16.self).map(HalfConversion.float(fromHalf:))
            case .bfloat16: return raw.bindMemory(to: UInt16.self).map(HalfConversion.float(fromBFloat16:))
            default: return TensorEntry.decode(raw, dtype: dtype).map { Float($0) }
            }
        }
    }

    /// Decodes little-endian elements of `dtype` to Double.
    public static func decode(_ raw: UnsafeRawBufferPointer, dtype: DType) -> [Double] {
        func map<T>(_ t: T.Type, _ f: (T) -> Double) -> [Double] { raw.bindMemory(to: T.self).map(f) }
        switch dtype {
        case .float32: return map(Float.self) { Double($0) }
        case .float64: return map(Double.self) { $0 }
        case .float16: return map(UInt16.self) { Double(HalfConversion.float(fromHalf: $0)) }
        case .bfloat16: return map(UInt16.self) { Double(HalfConversion.float(fromBFloat16: $0)) }
        case .int64: return map(Int64.self) { Double($0) }
        case .int32: return map(Int32.self) { Double($0) }
        case .int16: return map(Int16.self) { Double($0) }
        case .int8: return map(Int8.self) { Double($0) }
        case .uint8: return map(UInt8.self) { Double($0) }
        case .uint16: return map(UInt16.self) { Double($0) }
        case .uint32: return map(UInt32.self) { Double($0) }
        case .uint64: return map(UInt64.self) { Double($0) }
        case .bool: return map(UInt8.self) { $0 != 0 ? 1 : 0 }
        case .float8_e4m3fn: return map(UInt8.self) { Double(HalfConversion.float(fromE4M3: $0)) }
        case .float8_e5m2: return map(UInt8.self) { Double(HalfConversion.float(fromE5M2: $0)) }
        case .complex64:
            let f = raw.bindMemory(to: Float.self)
            return stride(from: 0, to: f.count, by: 2).map { Double(f[$0]) }
        case .complex128:
            let f = raw.bindMemory(to: Double.self)
            return stride(from: 0, to: f.count, by: 2).map { f[$0] }
        }
    }

    /// Encodes Doubles as little-endian elements of `dtype` (floats round to nearest even; ints truncate toward zero, as `.to()` does).
    public static func encode(_ values: [Double], as dtype: DType) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * dtype.itemSize)
        out.withUnsafeMutableBytes { raw in
            func put<T>(_ t: T.Type, _ f: (Double) -> T) {
                let p = raw.bindMemory(to: T.self)
                for i in values.indices { p[i] = f(values[i]) }
            }
            func int<T: FixedWidthInteger>(_ t: T.Type) {
                put(T.self) { v in v.isFinite ? T(truncatingIfNeeded: Int64(clamping: Int64(exactly: v.rounded(.towardZero)) ?? 0)) : 0 }
            }
            switch dtype {
            case .float32: put(Float.self) { Float($0) }
            case .float64: put(Double.self) { $0 }
            case .float16: put(UInt16.self) { HalfConversion.half(fromFloat: Float($0)) }
            case .bfloat16: put(UInt16.self) { HalfConversion.bfloat16(fromFloat: Float($0)) }
            case .int64: int(Int64.self)
            case .int32: int(Int32.self)
            case .int16: int(Int16.self)
            case .int8: int(Int8.self)
            case .uint8: int(UInt8.self)
            case .uint16: int(UInt16.self)
            case .uint32: int(UInt32.self)
            case .uint64: int(UInt64.self)
            case .bool: put(UInt8.self) { $0 != 0 ? 1 : 0 }
            case .float8_e4m3fn, .float8_e5m2: put(UInt8.self) { _ in 0 }
            case .complex64:
                let p = raw.bindMemory(to: Float.self)
                for i in values.indices { p[2 * i] = Float(values[i]); p[2 * i + 1] = 0 }
            case .complex128:
                let p = raw.bindMemory(to: Double.self)
                for i in values.indices { p[2 * i] = values[i]; p[2 * i + 1] = 0 }
            }
        }
        return out
    }

    /// A contiguous copy cast to `target` (f32→f16/bf16 round to nearest even). Same dtype: a contiguous copy of the bytes.
    public func converted(to target: DType) throws -> TensorEntry {
        let bytes: [UInt8]
        if target == dtype {
            bytes = try contiguousBytes()
        } else if dtype == .float32, target == .float16 || target == .bfloat16 {
            let f = try floatValues()
            var out = [UInt16](repeating: 0, count: f.count)
            for i in f.indices {
                out[i] = target == .float16 ? HalfConversion.half(fromFloat: f[i]) : HalfConversion.bfloat16(fromFloat: f[i])
            }
            bytes = out.withUnsafeBytes { Array($0) }
        } else {
            bytes = TensorEntry.encode(try doubleValues(), as: target)
        }
        var e = try TensorEntry(dtype: target, shape: shape, bytes: bytes, key: storage.key)
        e.requiresGrad = requiresGrad
        e.isParameter = isParameter
        return e
    }

    /// A contiguous float32 tensor from values (tests, the engine's outputs).
    public static func float32(_ values: [Float], shape: [Int]) throws -> TensorEntry {
        try TensorEntry(dtype: .float32, shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }
}
