import CkptCore

extension DType {
    /// Other names users write for dtypes (`half`, `bf16`, `fp32`, `long`), as PyTorch and NumPy spell them.
    public static let aliases: [String: DType] = [
        "float": .float32, "half": .float16, "double": .float64, "bf16": .bfloat16, "fp16": .float16, "fp32": .float32,
        "f16": .float16, "f32": .float32, "fp64": .float64, "f64": .float64, "long": .int64, "int": .int32,
    ]

    /// The dtype a user names: PyTorch's name with or without `torch.` (`torch.float16`), or an alias (`half`).
    /// Throws `ArgumentError.unknownDType`.
    public init(userName name: String) throws {
        let trimmed = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        guard let d = DType(rawValue: trimmed) ?? DType.aliases[trimmed] else { throw ArgumentError.unknownDType(name) }
        self = d
    }
}
