import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import OrderedCollections
import Testing

/// Writing GGUF: byte for byte what gguf-py's `GGUFWriter` writes for the same checkpoint
/// (`Fixtures/gguf_written/`, from `Fixtures/gen/gguf_written.py`), read back by ckpt's reader, and one-line
/// refusals for what ggml cannot hold.
@Suite struct GGUFWriterTests {
    static func written(_ stateDict: StateDict) throws -> (path: String, folder: URL) {
        let folder = try Temporary.folder()
        let path = folder.appendingPathComponent("out.gguf").path
        try Checkpoint.write(stateDict, to: path, format: .gguf)
        return (path, folder)
    }

    @Test func aTorchSaveBecomesWhatGGUFPyWrites() throws {
        let source = try Checkpoint.read(Fixtures.path("gguf_written/source.pt"))
        let (path, folder) = try Self.written(source.stateDict)
        defer { Temporary.remove(folder) }
        let ours = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let theirs = Array(try Fixtures.data("gguf_written/expected.gguf"))
        let first = (0 ..< min(ours.count, theirs.count)).first { ours[$0] != theirs[$0] } ?? min(ours.count, theirs.count)
        #expect(ours == theirs, "\(ours.count) bytes vs gguf-py's \(theirs.count); first difference at \(first)")
    }

    @Test func whatIsWrittenReadsBackAsTheSource() throws {
        let source = try Checkpoint.read(Fixtures.path("gguf_written/source.pt")).stateDict
        let (path, folder) = try Self.written(source)
        defer { Temporary.remove(folder) }
        let back = try Checkpoint.read(path)
        #expect(back.format == .gguf)
        let a = source.tensors, b = back.stateDict.tensors
        #expect(Array(a.keys) == Array(b.keys))
        for (key, t) in a {
            let u = try #require(b[key])
            let (x, y) = (try t.contiguousBytes(), try u.contiguousBytes())
            #expect(t.dtype == u.dtype && t.shape == u.shape && x == y, "\(key)")
        }
        #expect(back.stateDict.fileMetadata["general.architecture"]?.description == "'ckpt-written'")
        #expect(back.stateDict.fileMetadata["epoch"]?.description == "3")
        let header = try GGUFHeader.read(MappedFile(path: path))
        #expect(header.dataStart % 32 == 0 && header.tensors.allSatisfy { $0.offset % 32 == 0 })
    }

    /// A quantized GGUF is written dequantized (float32), as every writer writes it: the values ckpt shows.
    @Test func quantizedTensorsAreWrittenAsTheirFloat32Values() throws {
        let source = try Checkpoint.read(GGUFFixture.path("v2.gguf")).stateDict
        let (path, folder) = try Self.written(source)
        defer { Temporary.remove(folder) }
        let back = try Checkpoint.read(path).stateDict.tensors
        let q = try #require(back["q"])
        #expect(q.dtype == .float32 && q.storage.encoding == nil)
        #expect(try q.floatValues() == source.tensors["q"]?.floatValues())
    }

    @Test(arguments: [
        ("flag", "GGUF cannot store bool ('flag')"),
        (String(repeating: "k", count: 64), "GGUF names must be shorter than 64 bytes"),
        ("five", "GGUF tensors have at most 4 dimensions, it has 5"),
    ])
    func whatGGMLCannotHoldIsRefused(_ key: String, _ message: String) throws {
        let t: TensorEntry
        switch key {
        case "flag": t = try TensorEntry(dtype: .bool, shape: [2], bytes: [0, 1])
        case "five": t = try TensorEntry.float32([1], shape: [1, 1, 1, 1, 1])
        default: t = try TensorEntry.float32([1, 2], shape: [2])
        }
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let path = folder.appendingPathComponent("out.gguf").path
        let error = try #require(throws: FileError.self) {
            try Checkpoint.write(StateDict(tensors: [key: t]), to: path, format: .gguf)
        }
        #expect(error.description.contains(message) && !error.description.contains("\n"), "\(error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing half-written")
    }

    @Test func metadataGGUFCannotTypeIsLeftOut() {
        var d = CheckpointDict(isOrdered: true)
        d.items[.string("none")] = CheckpointValue.none
        d.items[.string("mixed")] = .list([.int(1), .string("a")])
        d.items[.string("ints")] = .tuple([.int(1), .int(-2)])
        var sd = StateDict(root: .dict(d), attributes: ["format": "pt"])
        sd.fileMetadata = ["general.architecture": .string("llama")]
        let values = GGUFWriter.keyValues(sd)
        #expect(Array(values.keys) == ["format", "ints"])
    }
}
