import CkptCore
import OrderedCollections

/// A JSON value for checkpoint metadata: Python scalars map to JSON scalars, sequences to arrays, dicts to
/// objects; what JSON cannot hold (big ints, NaN, bytes, `torch.Size(...)`) becomes its Python text.
public indirect enum InspectValue: Encodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([InspectValue])
    case object(OrderedDictionary<String, InspectValue>)

    /// The JSON form of a checkpoint value.
    public init(_ v: CheckpointValue) {
        switch v {
        case .none: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let d): self = d.isFinite ? .double(d) : .string(CheckpointValue.pythonFloat(d))
        case .string(let s): self = .string(s)
        case .list(let xs), .tuple(let xs), .set(let xs): self = .array(xs.map(InspectValue.init))
        case .dict(let d):
            var o = OrderedDictionary<String, InspectValue>()
            for (k, x) in d.items { o[k.description] = InspectValue(x) }
            self = .object(o)
        case .tensor(let t): self = .string("tensor(dtype=\(t.dtype.rawValue), shape=\(t.shape))")
        case .bigInt, .bytes, .object: self = .string(v.description)
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
        case .double(let d): var c = encoder.singleValueContainer(); try c.encode(d)
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .array(let xs): var c = encoder.unkeyedContainer(); for x in xs { try c.encode(x) }
        case .object(let o):
            var c = encoder.container(keyedBy: Key.self)
            for (k, x) in o { try c.encode(x, forKey: Key(stringValue: k)) }
        }
    }
}
