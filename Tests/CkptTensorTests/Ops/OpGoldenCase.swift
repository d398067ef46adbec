import CkptTestSupport
import Foundation
@testable import CkptTensor

/// A JSON value from the golden files (arguments are small: numbers, strings, bools, lists, null).
enum JSONValue: Decodable, Equatable {
    case number(Double), string(String), bool(Bool), array([JSONValue]), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) { self = .string(s) } else { self = .array(try c.decode([JSONValue].self)) }
    }

    var double: Double? { if case .number(let d) = self { return d }; return nil }
    var int: Int? { double.map { Int($0) } }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
}

/// One op's arguments, read by name as the registry needs them.
struct GoldenArgs {
    let values: [String: JSONValue]
    func int(_ k: String) throws -> Int { try requireValue(values[k]?.int, k) }
    func float(_ k: String) throws -> Float { Float(try requireValue(values[k]?.double, k)) }
    func optionalFloat(_ k: String) -> Float? { values[k]?.double.map { Float($0) } }
    func optionalInt(_ k: String) -> Int? { values[k]?.int }
    func bool(_ k: String) -> Bool { values[k]?.bool ?? false }
    func string(_ k: String) throws -> String { try requireValue(values[k]?.string, k) }
    func ints(_ k: String) throws -> [Int] { try requireValue(values[k]?.array?.compactMap(\.int), k) }
    func optionalInts(_ k: String) -> [Int]? { values[k]?.array?.compactMap(\.int) }
    func list(_ k: String) throws -> [JSONValue] { try requireValue(values[k]?.array, k) }
}

struct MissingArgument: Error, CustomStringConvertible {
    let key: String
    var description: String { "missing argument \(key)" }
}

func requireValue<T>(_ v: T?, _ key: String) throws -> T {
    guard let v else { throw MissingArgument(key: key) }
    return v
}

/// A tensor in a golden file: full data, every k-th element, or a pattern Swift recomputes.
struct GoldenTensor: Decodable {
    let shape: [Int]
    let data: [Double]?
    let every: Int?
    let pattern: Int?
    let dtype: String?
    let requires_grad: Bool?

    /// The pattern of `Fixtures/gen/tensor_ops.py`: exact in Float32 on both sides.
    static func pattern(count: Int, salt: Int) -> [Float] {
        (0 ..< count).map { i in Float(Double((i * 7919 + salt * 104_729) % 2001 - 1000) / 1000) }
    }

    /// The tensor as an engine input (full data or pattern only).
    func tensor() throws -> Tensor {
        let n = shape.reduce(1, *)
        let values: [Float]
        if let pattern { values = GoldenTensor.pattern(count: n, salt: pattern) } else { values = (data ?? []).map { Float($0) } }
        return try Tensor(values, shape: shape, dtype: dtype == "int64" ? .int64 : .float32, requiresGrad: requires_grad ?? false)
    }

    /// Compares `actual` with the stored values (all of them, or every k-th), each within `rtol` of the tensor's
    /// scale (`Closeness.scale`).
    func mismatch(_ actual: Tensor, rtol: Double) -> String? {
        guard actual.shape == shape else { return "shape \(actual.shape), expected \(shape)" }
        let expected = data ?? []
        let got = actual.scalars
        let step = every ?? 1
        let sampled = expected.indices.map { got[$0 * step] }
        return Closeness(tolerance: rtol, floor: Closeness.scale(expected)).mismatch(sampled, expected)
            .map { step == 1 ? $0 : "\($0) (every \(step)th element)" }
    }
}

struct GoldenCase: Decodable {
    let op: String
    let args: [String: JSONValue]
    let smooth: Bool
    let rtol: Double
    let inputs: [GoldenTensor]
    let output: GoldenTensor
    let grad_fn: String?
    let g: GoldenTensor?
    let grads: [GoldenTensor?]?
}

struct GoldenFamily: Decodable {
    let family: String
    let cases: [GoldenCase]

    static func load(_ name: String) throws -> GoldenFamily {
        try JSONDecoder().decode(GoldenFamily.self, from: Data(contentsOf: Fixtures.url("tensor_ops/\(name).json")))
    }
}
