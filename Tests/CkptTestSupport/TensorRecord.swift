import CkptCore
import Foundation
import Testing

/// One tensor as the fixture manifests record it (`Fixtures/gen/*.py`): key, PyTorch dtype name, shape and the
/// SHA-256 of its contiguous, row-major, little-endian bytes.
public struct TensorRecord: Codable, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var dtype: String
    public var shape: [Int]
    public var sha256: String

    public init(key: String, dtype: String, shape: [Int], sha256: String) {
        self.key = key
        self.dtype = dtype
        self.shape = shape
        self.sha256 = sha256
    }

    /// The record of `entry` under `key` (reads its bytes).
    public init(key: String, _ entry: TensorEntry) throws {
        self.init(key: key, dtype: entry.dtype.rawValue, shape: entry.shape, sha256: SHA256.hex(try entry.contiguousBytes()))
    }

    /// Every tensor of `stateDict` as a record, in order.
    public static func records(_ stateDict: StateDict) throws -> [TensorRecord] {
        try stateDict.tensors.map { try TensorRecord(key: $0.key, $0.value) }
    }

    public var description: String { "\(key) \(dtype) \(shape) \(sha256.prefix(12))" }
}

/// A flat-format fixture's manifest, `<fixture>.json` beside it (`Fixtures/flat/`, `Fixtures/hdf5/`).
public struct FileManifest: Decodable, Sendable {
    public var format: String
    public var tensors: [TensorRecord]
    public var attributes: [String: String]?

    public init(format: String, tensors: [TensorRecord], attributes: [String: String]? = nil) {
        self.format = format
        self.tensors = tensors
        self.attributes = attributes
    }

    /// The manifest of `Fixtures/<relative>` (read from `Fixtures/<relative>.json`).
    public static func of(_ relative: String) throws -> FileManifest {
        try Fixtures.decode(FileManifest.self, relative + ".json")
    }

    /// Expects `stateDict` to hold exactly these tensors: keys in order, dtypes, shapes and bytes.
    public func expectMatches(_ stateDict: StateDict, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tensors = stateDict.tensors
        #expect(Array(tensors.keys) == self.tensors.map(\.key), "\(what): keys or their order", sourceLocation: sourceLocation)
        for record in self.tensors {
            let entry = try #require(tensors[record.key], "\(what): no \(record.key)", sourceLocation: sourceLocation)
            #expect(try TensorRecord(key: record.key, entry) == record, "\(what) \(record.key)", sourceLocation: sourceLocation)
        }
    }
}
