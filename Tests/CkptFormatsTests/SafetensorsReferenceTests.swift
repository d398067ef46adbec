import CkptCore
@testable import CkptFormats
import Foundation
import Testing

/// The flat formats against the fixtures engineer's reference files (`Fixtures/reference/manifest.json`):
/// every `.safetensors`, `.npz` and shard index reads as its manifest says, and survives a write/read round
/// trip through each flat writer with identical bytes.
@Suite struct SafetensorsReferenceTests {
    struct Reference: Decodable {
        var files: [String: FlatFixture.Manifest]
    }

    static func referenceFolder() -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/reference").path
    }

    static func flatFiles() throws -> [(String, FlatFixture.Manifest)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: referenceFolder() + "/manifest.json"))
        let files = try JSONDecoder().decode(Reference.self, from: data).files
        return files.filter { ["safetensors", "npz", "npy", "sharded"].contains($0.value.format) }
            .sorted { $0.key < $1.key }
    }

    @Test func referenceFilesMatchTheirManifests() throws {
        let files = try Self.flatFiles()
        #expect(files.count >= 20)
        for (name, manifest) in files {
            let c = try Checkpoint.read(Self.referenceFolder() + "/" + name)
            #expect(c.format.rawValue == manifest.format, "\(name)")
            try FlatFixture.expectMatches(c.stateDict, manifest: manifest)
        }
    }

    @Test func referenceFilesRoundTripThroughEveryFlatWriter() throws {
        let dir = try FlatFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, manifest) in try Self.flatFiles() {
            let sd = try Checkpoint.read(Self.referenceFolder() + "/" + name).stateDict
            for format in [CheckpointFormat.safetensors, .npz] {
                let path = dir + "/out." + format.rawValue
                try Checkpoint.write(sd, to: path, format: format)
                let back = try Checkpoint.read(path)
                #expect(back.format == format)
                try FlatFixture.expectMatches(back.stateDict, manifest: manifest)
            }
        }
    }
}
