import CkptCore
import CkptFormats
import Foundation

/// `Fixtures/reference/manifest.json` (written by `Fixtures/gen/reference.py`): what the real libraries wrote into
/// each reference fixture, and the reference models' figures as PyTorch computed them.
public struct ReferenceManifest: Decodable, Sendable {
    public let versions: [String: String]
    public let models: [String: ModelInfo]
    public let files: [String: FileEntry]

    public struct ModelInfo: Decodable, Sendable {
        public let repr: String
        public let parameters: Int
        public let buffers: Int
        public let parameterShapes: [[Int]]
        public let namedParameters: [String]
        public let io: String?

        enum CodingKeys: String, CodingKey {
            case repr, parameters, buffers, io
            case parameterShapes = "parameter_shapes"
            case namedParameters = "named_parameters"
        }
    }

    public struct FileEntry: Decodable, Sendable {
        /// A `CheckpointFormat` raw value.
        public let format: String
        /// In the order the file holds them.
        public let tensors: [Tensor]
        public let count: Count?
        /// `flat`, `nested`, `keras2`, `keras3` for HDF5-based files.
        public let layout: String?
        /// `reader-defined` when key names are the reader's choice (Keras layouts): only order, dtypes,
        /// shapes and bytes are checked then.
        public let keys: String?
        /// The reference model the file holds, if any.
        public let model: String?
        /// Keys left out of this file, with the reason (bf16 in numpy formats).
        public let skipped: [String: String]?
        /// Non-tensor leaves, dotted key → Python repr, in walk order.
        public let metadata: [MetadataRecord]?
        /// Format-level string attributes (safetensors `__metadata__`).
        public let attributes: [String: String]?

        public var keysAreExact: Bool { keys != "reader-defined" }

        /// The entry as a flat file manifest (format, tensor records, attributes).
        public var manifest: FileManifest {
            FileManifest(format: format, tensors: tensors.map(\.record), attributes: attributes)
        }
    }

    public struct Tensor: Decodable, Sendable {
        public let key: String
        public let dtype: String
        public let shape: [Int]
        public let sha256: String
        public let sharedWith: String?
        public let hdf5Path: String?

        public var record: TensorRecord { TensorRecord(key: key, dtype: dtype, shape: shape, sha256: sha256) }

        enum CodingKeys: String, CodingKey {
            case key, dtype, shape, sha256
            case sharedWith = "shared_with"
            case hdf5Path = "hdf5_path"
        }
    }

    public struct MetadataRecord: Decodable, Sendable {
        public let key: String
        public let repr: String
    }

    public struct Count: Decodable, Sendable {
        public let parameters: Int
        public let buffers: Int
        public let total: Int
        public let unique: Int
    }
}

extension ReferenceManifest {
    /// The decoded manifest, or the error that prevented decoding it (reported by the tests that need it).
    public static let loaded: Result<ReferenceManifest, FixtureError> = Result {
        try Fixtures.decode(ReferenceManifest.self, "reference/manifest.json")
    }.mapError { FixtureError("Fixtures/reference/manifest.json: \($0)") }

    /// The manifest, or nil when it does not decode (test arguments are built from it).
    public static var shared: ReferenceManifest? { try? loaded.get() }

    /// Absolute path of a file named relative to `Fixtures/reference/`.
    public static func path(_ name: String) -> String { Fixtures.path("reference/" + name) }

    /// File names (relative to `Fixtures/reference/`) of one format, sorted.
    public static func files(_ format: CheckpointFormat) -> [String] {
        (shared?.files ?? [:]).filter { $0.value.format == format.rawValue }.keys.sorted()
    }

    /// Every file in the manifest, sorted.
    public static var allFiles: [String] { (shared?.files.keys).map { $0.sorted() } ?? [] }

    /// The reference models' names, sorted.
    public static var modelNames: [String] { (shared?.models.keys).map { $0.sorted() } ?? [] }
}
