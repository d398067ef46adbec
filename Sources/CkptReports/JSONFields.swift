import OrderedCollections

// How the reports' JSON differs from what synthesized Codable writes by default, as property wrappers, so that the
// reports declare their fields once (CodingKeys) and the compiler writes `encode(to:)`. The JSON is CLI.md's.

/// An optional that JSON always carries: `null` when nil, where synthesized Codable would leave the key out
/// (`"std": null` says "undefined"; a missing field would not).
@propertyWrapper
public struct NullWhenNil<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

/// A list that JSON carries only when it has elements (synthesized Codable would write `[]`).
@propertyWrapper
public struct OmittedWhenEmpty<Element: Encodable & Sendable & Equatable>: Encodable, Sendable, Equatable {
    public var wrappedValue: [Element]

    public init(wrappedValue: [Element]) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue)
    }
}

/// An ordered dictionary that JSON carries as an object, keys in order (swift-collections writes an array of pairs).
@propertyWrapper
public struct JSONObject<Value: Encodable & Sendable & Equatable>: Encodable, Sendable, Equatable {
    public var wrappedValue: OrderedDictionary<String, Value>

    public init(wrappedValue: OrderedDictionary<String, Value>) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: InspectValue.Key.self)
        for (k, v) in wrappedValue { try c.encode(v, forKey: InspectValue.Key(stringValue: k)) }
    }
}

extension KeyedEncodingContainer {
    /// Synthesized `encode(to:)` calls this for an `@OmittedWhenEmpty` field: nothing when the list is empty.
    public mutating func encode<Element>(_ value: OmittedWhenEmpty<Element>, forKey key: Key) throws {
        if !value.wrappedValue.isEmpty { try encode(value.wrappedValue, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// Synthesized `init(from:)` calls this for a `@NullWhenNil` field: a missing key is nil, as for an optional.
    public func decode<Value>(_ type: NullWhenNil<Value>.Type, forKey key: Key) throws -> NullWhenNil<Value> {
        try decodeIfPresent(type, forKey: key) ?? NullWhenNil(wrappedValue: nil)
    }
}
