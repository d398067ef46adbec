import CkptCore

/// A ggml tensor type as a GGUF tensor info names it: its id (`include/ggml.h`), its lower-case name, and
/// its block layout from `ggml-common.h`'s structs and `static_assert`s. Only that header is trusted:
/// published tables disagree with it (gguf-py and Netron give Q8_1 40 bytes, gguf-tools Q2_K 82; before the
/// IQ types, ids 16–18 were I8–I32) — see FORMATS-MORE.md §1.4.
public struct GGMLType: Sendable, Hashable, CustomStringConvertible {
    /// The id stored in the tensor info.
    public let id: UInt32
    /// ggml's name in lower case (`q4_k`, `iq4_nl`, `f32`).
    public let name: String
    /// Elements per block (1 for plain types).
    public let blockElements: Int
    /// Bytes per block.
    public let blockBytes: Int
    /// PyTorch's dtype for plain types (f32 → float32, i64 → int64, bf16 → bfloat16); nil when block-quantized.
    public let dtype: DType?
    /// True when ckpt dequantizes this type (every plain type, and the quantized ones `GGMLDequantizer` knows).
    public let isDecodable: Bool

    public var description: String { name }

    /// The name reports show as the dtype: PyTorch's where one exists, else ggml's (`q8_0`).
    public var reportName: String { dtype?.rawValue ?? name }

    /// Bytes `elements` elements occupy (nil when they are not whole blocks or the size overflows).
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockElements == 0 else { return nil }
        let (bytes, overflow) = (elements / blockElements).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }

    private init(_ id: UInt32, _ name: String, _ elements: Int, _ bytes: Int, dtype: DType? = nil, decodable: Bool) {
        self.id = id
        self.name = name
        self.blockElements = elements
        self.blockBytes = bytes
        self.dtype = dtype
        self.isDecodable = decodable || dtype != nil
    }

    /// Every type a GGUF file may hold, by id.
    public static let all: [GGMLType] = [
        GGMLType(0, "f32", 1, 4, dtype: .float32, decodable: true),
        GGMLType(1, "f16", 1, 2, dtype: .float16, decodable: true),
        GGMLType(2, "q4_0", 32, 18, decodable: true),
        GGMLType(3, "q4_1", 32, 20, decodable: true),
        GGMLType(6, "q5_0", 32, 22, decodable: true),
        GGMLType(7, "q5_1", 32, 24, decodable: true),
        GGMLType(8, "q8_0", 32, 34, decodable: true),
        // ggml has no dequantizer for Q8_1 (a dot-product intermediate that files do not hold).
        GGMLType(9, "q8_1", 32, 36, decodable: false),
        GGMLType(10, "q2_k", 256, 84, decodable: true),
        GGMLType(11, "q3_k", 256, 110, decodable: true),
        GGMLType(12, "q4_k", 256, 144, decodable: true),
        GGMLType(13, "q5_k", 256, 176, decodable: true),
        GGMLType(14, "q6_k", 256, 210, decodable: true),
        GGMLType(15, "q8_k", 256, 292, decodable: true),
        GGMLType(16, "iq2_xxs", 256, 66, decodable: false),
        GGMLType(17, "iq2_xs", 256, 74, decodable: false),
        GGMLType(18, "iq3_xxs", 256, 98, decodable: false),
        GGMLType(19, "iq1_s", 256, 50, decodable: false),
        GGMLType(20, "iq4_nl", 32, 18, decodable: true),
        GGMLType(21, "iq3_s", 256, 110, decodable: false),
        GGMLType(22, "iq2_s", 256, 82, decodable: false),
        GGMLType(23, "iq4_xs", 256, 136, decodable: true),
        GGMLType(24, "i8", 1, 1, dtype: .int8, decodable: true),
        GGMLType(25, "i16", 1, 2, dtype: .int16, decodable: true),
        GGMLType(26, "i32", 1, 4, dtype: .int32, decodable: true),
        GGMLType(27, "i64", 1, 8, dtype: .int64, decodable: true),
        GGMLType(28, "f64", 1, 8, dtype: .float64, decodable: true),
        GGMLType(29, "iq1_m", 256, 56, decodable: false),
        GGMLType(30, "bf16", 1, 2, dtype: .bfloat16, decodable: true),
        GGMLType(34, "tq1_0", 256, 54, decodable: false),
        GGMLType(35, "tq2_0", 256, 66, decodable: false),
        GGMLType(39, "mxfp4", 32, 17, decodable: false),
        GGMLType(40, "nvfp4", 64, 36, decodable: false),
        GGMLType(41, "q1_0", 128, 18, decodable: false),
        GGMLType(42, "q2_0", 64, 18, decodable: false),
    ]

    private static let byID: [UInt32: GGMLType] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The type with this id, or nil.
    public static func type(id: UInt32) -> GGMLType? { byID[id] }

    /// Ids ggml used once and removed (Q4_2, Q4_3; the Q4_0_x_y and IQ4_NL_x_y repacked layouts), by name.
    public static let retired: [UInt32: String] = [
        4: "q4_2", 5: "q4_3", 31: "q4_0_4_4", 32: "q4_0_4_8", 33: "q4_0_8_8",
        36: "iq4_nl_4_4", 37: "iq4_nl_4_8", 38: "iq4_nl_8_8",
    ]
}
