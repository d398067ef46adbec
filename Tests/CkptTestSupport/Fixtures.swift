import CkptCore
import CkptFormats
import Foundation

/// The committed `Fixtures/` folder (written by `Fixtures/gen/*.py` from the real libraries), found from this
/// file's location, and readers for what it holds.
public enum Fixtures {
    /// The package root: `Tests/CkptTestSupport/Fixtures.swift` is three levels below it.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Fixtures/` of the package.
    public static let root = packageRoot.appendingPathComponent("Fixtures")

    /// `Fixtures/<relative>`.
    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// The absolute path of `Fixtures/<relative>`.
    public static func path(_ relative: String) -> String { url(relative).path }

    public static func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    public static func data(_ relative: String) throws -> Data { try Data(contentsOf: url(relative)) }

    public static func bytes(_ relative: String) throws -> [UInt8] { Array(try data(relative)) }

    public static func text(_ relative: String) throws -> String { try String(contentsOf: url(relative), encoding: .utf8) }

    /// A JSON fixture decoded into `type`.
    public static func decode<T: Decodable>(_ type: T.Type, _ relative: String) throws -> T {
        try JSONDecoder().decode(type, from: data(relative))
    }

    /// A JSON object fixture as Foundation values (numbers, strings, arrays, dictionaries).
    public static func json(_ relative: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data(relative)) as? [String: Any] else {
            throw FixtureError("\(relative) is not a JSON object")
        }
        return object
    }

    /// The tensors of a checkpoint fixture in any format ckpt reads (`.npy`, `.npz`, `.pt`, …), in file order.
    public static func stateDict(_ relative: String) throws -> StateDict { try Checkpoint.read(path(relative)).stateDict }

    /// The one tensor of a fixture holding a single tensor (an `.npy`).
    public static func tensor(_ relative: String) throws -> TensorEntry {
        let tensors = try stateDict(relative).tensors
        guard tensors.count == 1, let only = tensors.values.first else {
            throw FixtureError("\(relative) holds \(tensors.count) tensors, not one")
        }
        return only
    }
}

/// A fixture that is not what the test expected to find.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Fresh paths in the system's temporary folder, for files the tests write.
public enum Temporary {
    /// A fresh path ending in `suffix`; nothing is created, the caller removes what it writes there.
    public static func path(_ suffix: String = "") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-test-\(UUID().uuidString)\(suffix)").path
    }

    /// A fresh empty folder, removed by the caller with `remove`.
    public static func folder() throws -> URL {
        let url = URL(fileURLWithPath: path())
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes a file or folder, if it is there.
    public static func remove(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    public static func remove(_ path: String) { remove(URL(fileURLWithPath: path)) }
}

extension Fixtures {
    /// `Fixtures/<relative>` mapped read-only, as the format readers take it.
    public static func map(_ relative: String) throws -> MappedFile { try MappedFile(path: path(relative)) }
}
