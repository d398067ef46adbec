import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// The GGUF fixtures (`Fixtures/gguf_files/`, written by gguf-py through `Fixtures/gen/gguf_files.py`) and what
/// gguf-py's reader recorded about them in `manifest.json`.
enum GGUFFixture {
    static let folder = Fixtures.url("gguf_files")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    struct Manifest: Decodable {
        let versions: [String: String]
        let files: [String: File]
    }

    struct File: Decodable {
        let version: Int
        let byteOrder: String
        let alignment: Int
        let metadata: [String: Field]
        let tensors: [Tensor]
        let hfNames: [String: String]?
        let diffAgainstSafetensors: [String: Expected]?

        enum CodingKeys: String, CodingKey {
            case version, alignment, metadata, tensors
            case byteOrder = "byte_order", hfNames = "hf_names", diffAgainstSafetensors = "diff_against_safetensors"
        }
    }

    struct Field: Decodable {
        let type: String
        let elementType: String?
        let value: JSONValue?
        let count: Int?
        let head: [JSONValue]?

        enum CodingKeys: String, CodingKey {
            case type, value, count, head
            case elementType = "element_type"
        }
    }

    struct Tensor: Decodable {
        let key: String
        let ggmlType: String
        let dtype: String
        let shape: [Int]
        let numel: Int
        let bytes: Int

        enum CodingKeys: String, CodingKey {
            case key, dtype, shape, numel, bytes
            case ggmlType = "ggml_type"
        }
    }

    struct Expected: Decodable {
        let dtype: String
        let maxAbsDiff: Double
        let mismatched: Int

        enum CodingKeys: String, CodingKey {
            case dtype, mismatched
            case maxAbsDiff = "max_abs_diff"
        }
    }

    static let manifest: Result<Manifest, Error> = Result {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// Every `.gguf` fixture, sorted.
    static var names: [String] { ((try? manifest.get())?.files.keys).map { $0.sorted() } ?? [] }

    static func file(_ name: String) throws -> File {
        try #require(try manifest.get().files[name], "\(name) is not in the manifest")
    }

    /// The values gguf-py read (dequantized for quantized types), from `<name>.values.npz`.
    static func values(_ name: String) throws -> [String: TensorEntry] {
        let url = folder.appendingPathComponent(name + ".values.npz")
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        return Dictionary(uniqueKeysWithValues: try Checkpoint.read(url.path).stateDict.tensors.map { ($0.key, $0.value) })
    }
}

/// A JSON value from the manifest (Python's json: ints up to 2^64, floats in shortest round-trip form).
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case bool(Bool), int(Int), uint(UInt64), double(Double), string(String), array([JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let u = try? c.decode(UInt64.self) { self = .uint(u) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .array(try c.decode([JSONValue].self)) }
    }

    var description: String {
        switch self {
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return String(d)
        case .string(let s): return s.debugDescription
        case .array(let xs): return "[" + xs.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// True when `value` (as ckpt read it) is this JSON value: numbers compared by value, lists element-wise.
    func matches(_ value: CheckpointValue) -> Bool {
        switch (self, value) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .float(let b)): return Double(a) == b
        case (.uint(let a), .bigInt(let b)): return String(a) == b
        case (.double(let a), .float(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.matches($1) }
        default: return false
        }
    }
}
