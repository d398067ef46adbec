/// Tensor element types, named as PyTorch names them without the `torch.` prefix.
public enum DType: String, CaseIterable, Sendable, Codable, Hashable {
    case float32, float64, float16, bfloat16
    case int64, int32, int16, int8, uint8, uint16, uint32, uint64
    case bool
    case complex64, complex128
    case float8_e4m3fn, float8_e5m2

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float64, .int64, .uint64, .complex64: return 8
        case .complex128: return 16
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool, .float8_e4m3fn, .float8_e5m2: return 1
        }
    }

    /// True for real floating-point types (the ones `--dtype` casts and `count` treats as parameters).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16, .float8_e4m3fn, .float8_e5m2: return true
        default: return false
        }
    }

    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// PyTorch's spelling, as `print(tensor.dtype)` shows it.
    public var torchName: String { "torch." + rawValue }
}
