import CkptCore
import CkptFormats
import Foundation

/// The committed reference fixtures (`Fixtures/reference/`, written by `Fixtures/gen/reference.py`) and their
/// manifest, decoded for the integration tests.
enum Fixtures {
    /// The package root, found from this file's path (`Tests/CkptCLITests/FixtureSupport.swift`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let referenceFolder = packageRoot.appendingPathComponent("Fixtures/reference")

    /// Absolute path of a file named relative to `Fixtures/reference/`.
    static func path(_ name: String) -> String { referenceFolder.appendingPathComponent(name).path }

    /// The decoded manifest, or the error that prevented decoding it (reported by `manifestLoads`).
    static let loaded: Result<ReferenceManifest, Error> = Result {
        let data = try Data(contentsOf: referenceFolder.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(ReferenceManifest.self, from: data)
    }

    static var manifest: ReferenceManifest? { try? loaded.get() }

    /// File names (relative to `Fixtures/reference/`) of one format, sorted.
    static func files(_ format: CheckpointFormat) -> [String] {
        (manifest?.files ?? [:]).filter { $0.value.format == format.rawValue }.keys.sorted()
    }

    /// Every file in the manifest, sorted.
    static var allFiles: [String] { (manifest?.files.keys).map { $0.sorted() } ?? [] }

    /// The writable formats the round trips go through (`.npy` holds one tensor only).
    static let roundTripFormats: [CheckpointFormat] = [.torchZip, .hdf5, .safetensors, .npz]

    /// A fresh temporary folder, removed by the caller with `cleanUp`.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ckpt-fixture-tests-\(getpid())-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// The file extension `Checkpoint.write` callers use for a format.
    static func fileExtension(_ format: CheckpointFormat) -> String {
        switch format {
        case .torchZip: return "pt"
        case .hdf5: return "h5"
        case .safetensors: return "safetensors"
        case .npz: return "npz"
        case .npy: return "npy"
        case .torchLegacy, .keras, .sharded, .gguf: return "unwritable"
        }
    }
}

/// `Fixtures/reference/manifest.json`.
struct ReferenceManifest: Decodable {
    let versions: [String: String]
    let models: [String: ModelInfo]
    let files: [String: FileEntry]

    struct ModelInfo: Decodable {
        let repr: String
        let parameters: Int
        let buffers: Int
        let parameterShapes: [[Int]]
        let namedParameters: [String]
        let io: String?

        enum CodingKeys: String, CodingKey {
            case repr, parameters, buffers, io
            case parameterShapes = "parameter_shapes"
            case namedParameters = "named_parameters"
        }
    }

    struct FileEntry: Decodable {
        /// A `CheckpointFormat` raw value.
        let format: String
        /// In the order the file holds them.
        let tensors: [TensorRecord]
        let count: Count?
        /// `flat`, `nested`, `keras2`, `keras3` for HDF5-based files.
        let layout: String?
        /// `reader-defined` when key names are the reader's choice (Keras layouts): only order, dtypes,
        /// shapes and bytes are checked then.
        let keys: String?
        /// The reference model the file holds, if any.
        let model: String?
        /// Keys left out of this file, with the reason (bf16 in numpy formats).
        let skipped: [String: String]?
        /// Non-tensor leaves, dotted key → Python repr, in walk order.
        let metadata: [MetadataRecord]?
        /// Format-level string attributes (safetensors `__metadata__`).
        let attributes: [String: String]?

        var keysAreExact: Bool { keys != "reader-defined" }
    }

    struct TensorRecord: Decodable {
        let key: String
        let dtype: String
        let shape: [Int]
        let sha256: String
        let sharedWith: String?
        let hdf5Path: String?

        enum CodingKeys: String, CodingKey {
            case key, dtype, shape, sha256
            case sharedWith = "shared_with"
            case hdf5Path = "hdf5_path"
        }
    }

    struct MetadataRecord: Decodable {
        let key: String
        let repr: String
    }

    struct Count: Decodable {
        let parameters: Int
        let buffers: Int
        let total: Int
        let unique: Int
    }
}
