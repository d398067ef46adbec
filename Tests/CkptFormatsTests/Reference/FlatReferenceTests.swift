import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

/// The flat formats against the fixtures engineer's reference files (`Fixtures/reference/manifest.json`):
/// every `.safetensors`, `.npz` and shard index reads as its manifest says, and survives a write/read round
/// trip through each flat writer with identical bytes.
@Suite struct FlatReferenceTests {
    static func flatFiles() throws -> [(String, FileManifest)] {
        try ReferenceManifest.loaded.get().files.filter { ["safetensors", "npz", "npy", "sharded"].contains($0.value.format) }
            .map { ($0.key, $0.value.manifest) }.sorted { $0.0 < $1.0 }
    }

    @Test func referenceFilesMatchTheirManifests() throws {
        let files = try Self.flatFiles()
        #expect(files.count >= 20)
        for (name, manifest) in files {
            let c = try Checkpoint.read(ReferenceManifest.path(name))
            #expect(c.format.rawValue == manifest.format, "\(name)")
            try manifest.expectMatches(c.stateDict)
        }
    }

    @Test func referenceFilesRoundTripThroughEveryFlatWriter() throws {
        let dir = try Temporary.folder().path
        defer { Temporary.remove(dir) }
        for (name, manifest) in try Self.flatFiles() {
            let sd = try Checkpoint.read(ReferenceManifest.path(name)).stateDict
            for format in [CheckpointFormat.safetensors, .npz] {
                let path = dir + "/out." + format.rawValue
                try Checkpoint.write(sd, to: path, format: format)
                let back = try Checkpoint.read(path)
                #expect(back.format == format)
                try manifest.expectMatches(back.stateDict)
            }
        }
    }
}
