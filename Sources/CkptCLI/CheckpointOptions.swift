import ArgumentParser
import CkptCore
import CkptFormats
import Foundation

/// Options shared by the checkpoint commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document on stdout instead of text.")
    var json = false
}

/// Helpers for `FILE#ENTRY` arguments.
enum CheckpointReference {
    /// The file part of `FILE#ENTRY` (the whole string when it names an existing file), as `Checkpoint.read(reference:)` splits it.
    static func filePath(_ reference: String) -> String {
        if FileManager.default.fileExists(atPath: reference) { return reference }
        guard let hash = reference.lastIndex(of: "#") else { return reference }
        return String(reference[..<hash])
    }

    /// Parses a `--dtype` / format name for an error message that names the value.
    static func dtype(_ name: String) throws -> DType {
        let trimmed = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        let aliases: [String: DType] = ["float": .float32, "half": .float16, "double": .float64, "bf16": .bfloat16,
                                        "fp16": .float16, "fp32": .float32, "f16": .float16, "f32": .float32,
                                        "fp64": .float64, "f64": .float64, "long": .int64, "int": .int32]
        guard let d = DType(rawValue: trimmed) ?? aliases[trimmed] else {
            throw ValidationError("unknown dtype '\(name)' (expected one of: float32 float64 float16 bfloat16 …)")
        }
        return d
    }
}
