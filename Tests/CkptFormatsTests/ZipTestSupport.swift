import CkptCore
import Foundation
import Testing

/// Fixture access and manifest checks for the flat-format tests (zip, safetensors, NumPy, sharded).
enum FlatFixture {
    /// `Fixtures/flat/<name>` in the package.
    static func path(_ name: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/flat").appendingPathComponent(name).path
    }

    static func map(_ name: String) throws -> MappedFile { try MappedFile(path: path(name)) }

    /// A fresh temporary file path (removed by the caller or left in /tmp).
    static func temporary(_ suffix: String) -> String {
        NSTemporaryDirectory() + "ckpt-flat-\(UUID().uuidString)\(suffix)"
    }

    /// A fresh empty temporary folder.
    static func temporaryDirectory() throws -> String {
        let dir = temporary("")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        return dir
    }

    /// Flips every byte of a fixture in turn (in place, with pwrite) and runs `read` plus a read of every
    /// tensor's bytes on each copy. Returns how many copies were refused with a `CheckpointError`; any other
    /// error or a crash fails the test.
    static func sweepByteFlips(_ name: String, read: (MappedFile) throws -> StateDict) throws -> (failures: Int, total: Int) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmp = dir + "/" + URL(fileURLWithPath: name).lastPathComponent
        try bytes.write(to: URL(fileURLWithPath: tmp))
        let fd = open(tmp, O_RDWR)
        defer { close(fd) }
        var failures = 0
        for i in bytes.indices {
            var flipped = bytes[i] ^ 0x5A, original = bytes[i]
            _ = pwrite(fd, &flipped, 1, off_t(i))
            do {
                let sd = try read(MappedFile(path: tmp))
                for t in sd.tensors.values { _ = try t.contiguousBytes() }
            } catch is CheckpointError {
                failures += 1
            }
            _ = pwrite(fd, &original, 1, off_t(i))
        }
        return (failures, bytes.count)
    }

    struct Manifest: Decodable {
        struct Tensor: Decodable {
            var key: String
            var dtype: String
            var shape: [Int]
            var sha256: String
        }
        var format: String
        var tensors: [Tensor]
        var attributes: [String: String]?
    }

    static func manifest(_ name: String) throws -> Manifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name + ".json")))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// Checks keys (in order), dtypes, shapes and byte hashes against the fixture's manifest.
    static func expectMatches(_ sd: StateDict, manifest m: Manifest, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tensors = sd.tensors
        #expect(Array(tensors.keys) == m.tensors.map(\.key), sourceLocation: sourceLocation)
        for t in m.tensors {
            let e = try #require(tensors[t.key], sourceLocation: sourceLocation)
            #expect(e.dtype.rawValue == t.dtype, "\(t.key)", sourceLocation: sourceLocation)
            #expect(e.shape == t.shape, "\(t.key)", sourceLocation: sourceLocation)
            #expect(SHA256.hex(try e.contiguousBytes()) == t.sha256, "\(t.key)", sourceLocation: sourceLocation)
        }
    }
}

