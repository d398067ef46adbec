import CkptCore

/// safetensors dtype names ⇄ `DType`.
public enum SafetensorsDType {
    static let table: [(String, DType)] = [
        ("BOOL", .bool), ("U8", .uint8), ("I8", .int8), ("I16", .int16), ("U16", .uint16), ("F16", .float16),
        ("BF16", .bfloat16), ("I32", .int32), ("U32", .uint32), ("F32", .float32), ("F64", .float64),
        ("I64", .int64), ("U64", .uint64), ("C64", .complex64), ("F8_E4M3", .float8_e4m3fn), ("F8_E5M2", .float8_e5m2),
    ]
    /// Every name the format defines, including the ones ckpt has no DType for.
    static let known: Set<String> = Set(table.map(\.0)).union(["F4", "F6_E2M3", "F6_E3M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ"])

    /// The DType for a safetensors name (case-sensitive, as the format requires).
    public static func dtype(_ name: String) -> DType? { table.first { $0.0 == name }?.1 }
    /// The safetensors name for a DType, or nil when the format cannot store it (complex128).
    public static func name(_ dtype: DType) -> String? { table.first { $0.1 == dtype }?.0 }
}
