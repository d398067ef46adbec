import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// ONNX files written by torch.onnx.export and the onnx library (`Fixtures/gen/onnx_files.py`) read as the onnx
/// library reads them: initializers, then Constant tensors with subgraph prefixes, every dtype from raw and typed
/// data, external data mapped from its file.
@Suite struct ONNXReaderTests {
    static let fixtures = FormatManifest.fixtures(in: "onnx_files")

    @Test func everyFileHasItsManifest() {
        #expect(Self.fixtures == ["onnx_files/exported.onnx", "onnx_files/external.onnx", "onnx_files/types.onnx"])
    }

    @Test(arguments: fixtures)
    func readsAsTheOnnxLibraryDoes(_ name: String) throws {
        let (checkpoint, _) = try FormatManifest.expectRead(name)
        #expect(checkpoint.format == .onnx)
    }

    @Test func rawAndExternalDataStayMappedAndTypedDataIsDecodedWhenRead() throws {
        let types = try Checkpoint.read(Fixtures.path("onnx_files/types.onnx")).stateDict.tensors
        #expect(types["raw.float32"]?.storage.bytes.mappedFile?.path == Fixtures.path("onnx_files/types.onnx"))
        #expect(types["typed.float32"]?.storage.bytes.mappedFile == nil)
        #expect(try types["typed.int8"]?.doubleValues() == [-100, 100])
        #expect(try types["c.ints"]?.doubleValues() == [3, -1, 4] && types["c.float"]?.shape == [])
        let external = try Checkpoint.read(Fixtures.path("onnx_files/external.onnx")).stateDict.tensors
        #expect(external["big"]?.storage.bytes.mappedFile?.path == Fixtures.path("onnx_files/external.onnx.data"))
        #expect(external["small"]?.storage.bytes.mappedFile?.path == Fixtures.path("onnx_files/external.onnx"), "kept inline")
    }

    @Test func subgraphKeysNameTheOwningNodeAndAttribute() throws {
        let keys = try Checkpoint.read(Fixtures.path("onnx_files/types.onnx")).stateDict.tensors.keys
        #expect(keys.contains("If_0.then_branch.w") && keys.contains("If_0.else_branch.w"), "same output name in both branches")
        #expect(keys.contains("If_0.then_branch.If_0.then_branch.deep"), "a nameless If inside a branch")
    }

    @Test func fileMetadataHoldsTheModelsHeader() throws {
        let metadata = try Checkpoint.read(Fixtures.path("onnx_files/types.onnx")).stateDict.fileMetadata
        #expect(metadata["producer_name"]?.description == "'ckpt-fixtures'" && metadata["metadata_props.purpose"]?.description == "'every dtype'")
        #expect(metadata["opset_import"]?.description == "['ai.onnx:17']")
    }

    @Test func protobufVarintsAndPackedFields() throws {
        let bytes: [UInt8] = [0x08, 0x96, 0x01, 0x0A, 0x03, 0x01, 0xFF, 0x01, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        try bytes.withUnsafeBytes { buffer in
            var cursor = ProtobufCursor(buffer)
            let a = try #require(try cursor.next())
            #expect(a.number == 1 && a.wire == .varint && a.scalar == 150)
            let b = try #require(try cursor.next())
            let packed = try cursor.varints(b)
            #expect(b.number == 1 && b.wire == .lengthDelimited && packed == [1, 255])
            let c = try #require(try cursor.next())
            #expect(Int64(bitPattern: c.scalar) == -1, "a negative int64 takes 10 bytes")
            let end = try cursor.next()
            #expect(end == nil)
        }
        [UInt8]([0x0A, 0x05, 0x01]).withUnsafeBytes { buffer in
            var cursor = ProtobufCursor(buffer)
            #expect(throws: CheckpointError.self) { try cursor.next() }
        }
    }
}

/// Hostile ONNX files (valid protobuf with lying contents) are refused in one line; truncated and bit-flipped
/// copies fail in one line or read.
@Suite struct ONNXDamageTests {
    @Test(arguments: [
        ("escape", "external data file '../hostile/data.bin' leaves the checkpoint's folder"),
        ("absolute", "leaves the checkpoint's folder"),
        ("past_end", "external tensor 'x' is at 56..<72 of 'data.bin', which has 64 bytes"),
        ("short_raw", "tensor 'x' has 12 bytes of raw_data, its dims [4] need 16"),
        ("negative_dim", "tensor 'x' has dims [-1, 4]"),
        ("overflow", "which overflow"),
        ("unknown_type", "tensor 'x' has data type 99, which ckpt does not read"),
        ("deep", "ONNX subgraphs nest deeper than 16 levels"),
    ])
    func hostileFilesAreRefused(_ name: String, _ message: String) throws {
        try DamagedCopies.expectRefused("onnx_files/hostile/\(name).onnx", containing: message) { _ = try ONNXReader.read($0) }
    }

    static func readAll(_ path: String) throws {
        for t in try Checkpoint.read(path).stateDict.tensors.values { _ = try t.contiguousBytes() }
    }

    @Test(arguments: ["onnx_files/types.onnx", "onnx_files/exported.onnx"])
    func truncatedCopiesAreOneLineErrors(_ name: String) throws {
        try DamagedCopies.truncated(name, lengths: { n in Array(stride(from: 0, to: n, by: 7)) }) { path, length in
            do {
                try Self.readAll(path)
            } catch let error as FileError {
                #expect(!error.description.contains("\n"), "\(name) cut at \(length)")
            }
        }
    }

    @Test(arguments: ["onnx_files/types.onnx", "onnx_files/exported.onnx"])
    func bitFlippedCopiesAreErrorsOrReadable(_ name: String) throws {
        var errors = 0
        try DamagedCopies.flipped(name, positions: { Array(0 ..< $0) }) { path, position in
            do {
                try Self.readAll(path)
            } catch let error as FileError {
                errors += 1
                #expect(!error.description.contains("\n"), "\(name) flipped at \(position)")
            }
        }
        #expect(errors > 0)
    }
}
