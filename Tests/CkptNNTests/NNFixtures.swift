import Foundation

/// Committed fixtures for the nn tests, found from this file's location.
enum NNFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }

    /// `manifest.json`'s `models[name]` entry of the reference fixtures.
    static func referenceModel(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("reference/manifest.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (json?["models"] as? [String: Any])?[name] as? [String: Any] ?? [:]
    }
}
