import CkptCore
import CkptTestSupport
import Foundation
import OrderedCollections
import Testing
@testable import CkptFormats

@Suite struct SafetensorsTests {
    @Test func readsEveryDTypeAsTheManifestSays() throws {
        let sd = try SafetensorsReader.read(Fixtures.map("flat/tensors.safetensors"))
        try FileManifest.of("flat/tensors.safetensors").expectMatches(sd)
        #expect(sd.attributes == ["format": "pt"])
        let t = sd.tensors
        #expect(try t["idx"]?.doubleValues() == [0, -1, 1_099_511_627_776, 7])
        #expect(try t["scalar"]?.doubleValues() == [3.5])
        #expect(t["scalar"]?.shape == [] && t["empty"]?.shape == [0, 3])
        #expect(try t["mask"]?.doubleValues() == [1, 0, 0, 1])
        #expect(try t["f8"]?.doubleValues() == [0.5, -2])
        #expect(t["weight"]?.storage.bytes.mappedFile != nil, "tensor bytes stay in the mapped file")
    }

    @Test func fileWithoutMetadataHasNoAttributes() throws {
        let sd = try SafetensorsReader.read(Fixtures.map("flat/single.safetensors"))
        try FileManifest.of("flat/single.safetensors").expectMatches(sd)
        #expect(sd.attributes.isEmpty)
    }

    @Test(arguments: [
        ("bad_st_truncated.safetensors", "needs"),
        ("bad_st_huge_header.safetensors", "header claims 1152921504606846976 bytes"),
        ("bad_st_header_past_end.safetensors", "header claims"),
        ("bad_st_overlap.safetensors", "overlaps"),
        ("bad_st_gap.safetensors", "gap"),
        ("bad_st_trailing.safetensors", "not fully covered"),
        ("bad_st_shape_mismatch.safetensors", "does not match"),
        ("bad_st_dtype.safetensors", "unknown dtype 'f32'"),
        ("bad_st_offsets_past_end.safetensors", "needs"),
        ("bad_st_not_json.safetensors", "JSON"),
        ("bad_st_metadata_type.safetensors", "not a string"),
        ("bad_st_duplicate_key.safetensors", "duplicate key 'x'"),
    ])
    func hostileFilesAreOneLineErrors(name: String, message: String) throws {
        try DamagedCopies.expectRefused("flat/\(name)", containing: message) { _ = try SafetensorsReader.read($0) }
    }

    /// Through detection too: a header length past the end of the file is reported as such, not as "unknown format".
    @Test func hugeHeaderIsDetectedAndNamed() throws {
        let error = try #require(throws: FileError.self) { try Checkpoint.read(Fixtures.path("flat/bad_st_huge_header.safetensors")) }
        #expect(error.underlying == .tooLarge("safetensors header claims 1152921504606846976 bytes (limit 100000000)"))
        let past = try #require(throws: FileError.self) { try Checkpoint.read(Fixtures.path("flat/bad_st_header_past_end.safetensors")) }
        #expect(past.underlying.description.hasPrefix("safetensors header claims 96 bytes"))
    }

    @Test func everyTruncationIsAnError() throws {
        try DamagedCopies.truncated("flat/tensors.safetensors", lengths: { Array(0 ..< $0) }) { path, cut in
            #expect(throws: CheckpointError.self, "cut at \(cut)") { try SafetensorsReader.read(MappedFile(path: path)) }
        }
    }

    @Test func byteFlipsAreErrorsOrHarmless() throws {
        let (failures, total) = try DamagedCopies.flipEveryByte("flat/tensors.safetensors", read: SafetensorsReader.read)
        // Flips in the length, JSON syntax, names of fields and offsets are caught; flips in tensor data are not
        // (the format has no checksum) — the data is 194 of the file's bytes.
        #expect(failures > 0 && total - failures >= 194, "\(failures) of \(total)")
    }

    @Test func writerRoundTripsBytesOrderAndMetadata() throws {
        let sd = try SafetensorsReader.read(Fixtures.map("flat/tensors.safetensors"))
        let path = Temporary.path(".safetensors")
        defer { unlink(path) }
        try SafetensorsWriter.write(sd, to: path)
        let file = try MappedFile(path: path)
        let back = try SafetensorsReader.read(file)
        try FileManifest.of("flat/tensors.safetensors").expectMatches(back)
        #expect(back.attributes == ["format": "pt"])
        let n = Int(try file.withBytes(offset: 0, count: 8) { $0.loadUnaligned(as: UInt64.self) })
        #expect((8 + n) % 8 == 0)
        let header = String(decoding: try file.copyBytes(offset: 8, count: n), as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},\"idx\":{\"dtype\":\"I64\",\"shape\":[4],\"data_offsets\":[0,32]}"))
        #expect(file.size == (try MappedFile(path: Fixtures.path("flat/tensors.safetensors"))).size)
    }

    @Test func writerMakesViewsContiguousAndKeepsKeyOrder() throws {
        let base = try TensorEntry.float32([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let transposed = try TensorEntry(dtype: .float32, shape: [3, 2], strides: [1, 3], storage: base.storage)
        let row = try TensorEntry(dtype: .float32, shape: [3], storageOffset: 3, storage: base.storage)
        let sd = StateDict(tensors: ["z.weight": base, "a.t": transposed, "m.row": row], attributes: ["note": "x\"y"])
        let path = Temporary.path(".safetensors")
        defer { unlink(path) }
        try SafetensorsWriter.write(sd, to: path)
        let back = try SafetensorsReader.read(MappedFile(path: path))
        #expect(Array(back.tensors.keys) == ["z.weight", "a.t", "m.row"])
        #expect(try back.tensors["a.t"]?.floatValues() == [1, 4, 2, 5, 3, 6])
        #expect(try back.tensors["m.row"]?.floatValues() == [4, 5, 6])
        #expect(back.attributes == ["format": "pt", "note": "x\"y"])
    }

    @Test func writerRefusesWhatTheFormatCannotHold() throws {
        let c = try TensorEntry(dtype: .complex128, shape: [1], bytes: [UInt8](repeating: 0, count: 16))
        let path = Temporary.path(".safetensors")
        defer { unlink(path) }
        let error = try #require(throws: CheckpointError.self) { try SafetensorsWriter.write(StateDict(tensors: ["c": c]), to: path) }
        #expect(error.description.contains("complex128"))
    }

    @Test func orderedJSONKeepsOrderAndRejectsHostileInput() throws {
        let v = try OrderedJSON.parse(Array(#" {"b": [1, -2.5e3, true, null], "a": {"\u00e9\ud83d\ude00": "x\n"}} "#.utf8))
        #expect(v.members?.map(\.0) == ["b", "a"])
        #expect(v["b"] == .array([.int(1), .double(-2500), .bool(true), .null]))
        #expect(v["a"]?["é😀"] == .string("x\n"))
        for bad in [#"{"a":1,"a":2}"#, "[1,]", "{\"a\":1} x", String(repeating: "[", count: 500), "\"\u{01}\"", "01x", "{\"a\" 1}", "\"\\ud800\""] {
            #expect(throws: CheckpointError.self, "\(bad.prefix(20))") { try OrderedJSON.parse(Array(bad.utf8)) }
        }
        #expect(OrderedJSON.quote("a\"b\\c\u{01}é") == #""a\"b\\c\u0001é""#)
    }
}
