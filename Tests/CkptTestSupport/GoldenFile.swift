import CkptCore
import CkptFormats
import Foundation

/// A golden file of the op tests, as `Fixtures/gen/_golden.py` writes it (`Fixtures/tensor_ops/`,
/// `Fixtures/conv_ops/`): safetensors with tensors named `<case>/<name>` (float32 or int64) and a `cases` metadata
/// entry, a JSON object mapping each case to its arguments. Read with ckpt's own safetensors reader.
public struct GoldenFile {
    /// `Fixtures/<relative>.safetensors`.
    public let path: String
    /// The case names, sorted.
    public let caseNames: [String]
    private let tensors: [String: TensorEntry]
    private let cases: [String: [String: Any]]

    /// Reads `Fixtures/<relative>.safetensors` (`"conv_ops/conv"`, `"tensor_ops/loss"`).
    public init(_ relative: String) throws {
        path = Fixtures.path(relative + ".safetensors")
        let stateDict = try Checkpoint.read(path).stateDict
        guard let text = stateDict.attributes["cases"],
              let cases = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]] else {
            throw FixtureError("\(path): no `cases` metadata")
        }
        self.cases = cases
        caseNames = cases.keys.sorted()
        tensors = Dictionary(uniqueKeysWithValues: stateDict.tensors.map { ($0.key, $0.value) })
    }

    /// The case's arguments (its whole metadata entry).
    public func args(_ name: String) throws -> GoldenArgs {
        guard let args = cases[name] else { throw FixtureError("\(path): no case \(name)") }
        return GoldenArgs(args)
    }

    public func has(_ name: String, _ tensor: String) -> Bool { tensors["\(name)/\(tensor)"] != nil }

    public func entry(_ name: String, _ tensor: String) throws -> TensorEntry {
        guard let entry = tensors["\(name)/\(tensor)"] else { throw FixtureError("\(path): no tensor \(name)/\(tensor)") }
        return entry
    }

    public func shape(_ name: String, _ tensor: String) throws -> [Int] { try entry(name, tensor).shape }

    /// A float32 tensor's values.
    public func floats(_ name: String, _ tensor: String) throws -> [Float] {
        let e = try entry(name, tensor)
        guard e.dtype == .float32 else { throw FixtureError("\(path): \(name)/\(tensor) is \(e.dtype.rawValue), not float32") }
        return try e.floatValues()
    }

    /// An int64 tensor's values.
    public func ints(_ name: String, _ tensor: String) throws -> [Int] {
        let e = try entry(name, tensor)
        guard e.dtype == .int64 else { throw FixtureError("\(path): \(name)/\(tensor) is \(e.dtype.rawValue), not int64") }
        return try e.doubleValues().map { Int($0) }
    }
}

/// A golden case's arguments: JSON values read by name. `args[key]` gives the Foundation value (`as? Int`,
/// `as? [Double]`, …); the typed accessors throw when a required argument is missing.
public struct GoldenArgs: CustomStringConvertible {
    public let values: [String: Any]

    public init(_ values: [String: Any]) { self.values = values }

    public subscript(key: String) -> Any? { values[key] is NSNull ? nil : values[key] }

    /// A nested object (`args` of a tensor_ops case).
    public func object(_ key: String) throws -> GoldenArgs { GoldenArgs(try require(self[key] as? [String: Any], key)) }

    public func int(_ key: String) throws -> Int { try require(optionalInt(key), key) }
    public func optionalInt(_ key: String) -> Int? { self[key] as? Int }
    public func double(_ key: String) throws -> Double { try require(optionalDouble(key), key) }
    public func optionalDouble(_ key: String) -> Double? { self[key] as? Double }
    public func float(_ key: String) throws -> Float { Float(try double(key)) }
    public func optionalFloat(_ key: String) -> Float? { optionalDouble(key).map { Float($0) } }
    /// False when absent.
    public func bool(_ key: String) -> Bool { self[key] as? Bool ?? false }
    public func string(_ key: String) throws -> String { try require(self[key] as? String, key) }
    public func ints(_ key: String) throws -> [Int] { try require(optionalInts(key), key) }
    public func optionalInts(_ key: String) -> [Int]? { self[key] as? [Int] }
    public func list(_ key: String) throws -> [Any] { try require(self[key] as? [Any], key) }

    public var description: String {
        values.keys.sorted().map { "\($0)=\(values[$0].map { "\($0)" } ?? "nil")" }.joined(separator: ", ")
    }

    private func require<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else { throw FixtureError("missing argument \(key)") }
        return value
    }
}
