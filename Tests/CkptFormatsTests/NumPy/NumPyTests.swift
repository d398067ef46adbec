import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct NumPyTests {
    static let npyFixtures = ["v1_f4", "big_endian", "fortran", "bool", "int64", "half", "scalar", "empty", "u1",
                              "big_i2", "bf16", "c16", "v2", "v3"]

    @Test(arguments: npyFixtures)
    func npyMatchesManifest(name: String) throws {
        let sd = try NPYReader.read(Fixtures.map("flat/\(name).npy"))
        try FileManifest.of("flat/\(name).npy").expectMatches(sd)
    }

    @Test func layoutsAreKeptNotCopied() throws {
        let big = try #require(NPYReader.read(Fixtures.map("flat/big_endian.npy")).tensors["big_endian"])
        #expect(big.storage.byteOrder == .big && big.storage.bytes.mappedFile != nil)
        let fortran = try #require(NPYReader.read(Fixtures.map("flat/fortran.npy")).tensors["fortran"])
        #expect(fortran.shape == [3, 4] && fortran.strides == [1, 3] && !fortran.isContiguous)
        let i2 = try #require(NPYReader.read(Fixtures.map("flat/big_i2.npy")).tensors["big_i2"])
        #expect(try i2.doubleValues() == [1, -300, 7])
        for (name, version) in [("v1_f4", 1), ("v2", 2), ("v3", 3)] {
            let file = try Fixtures.map("flat/\(name).npy")
            #expect(try file.copyBytes(offset: 6, count: 1)[0] == UInt8(version))
        }
    }

    @Test(arguments: [
        ("bad_npy_object.npy", "Python objects"),
        ("bad_npy_truncated.npy", "needs 24 bytes"),
        ("bad_npy_huge_shape.npy", "overflows"),
        ("bad_npy_zero_size_overflow.npy", "overflows"),
        ("bad_npy_header_past_end.npy", "header claims 60000 bytes"),
    ])
    func hostileNpyIsAnError(name: String, message: String) throws {
        try DamagedCopies.expectRefused("flat/\(name)", containing: message) { _ = try NPYReader.read($0) }
    }

    @Test(arguments: ["plain.npz", "compressed.npz"])
    func npzMatchesManifest(name: String) throws {
        let sd = try NPZReader.read(Fixtures.map("flat/\(name)"))
        try FileManifest.of("flat/\(name)").expectMatches(sd)
        let mapped = sd.tensors.values.allSatisfy { $0.storage.bytes.mappedFile != nil }
        #expect(mapped == (name == "plain.npz"), "STORED members are mapped, DEFLATE members inflate on demand")
    }

    @Test func everyNpzTruncationIsAnError() throws {
        for name in ["compressed.npz", "v1_f4.npy"] {
            try DamagedCopies.truncated("flat/\(name)", lengths: { Array(0 ..< $0) }) { path, cut in
                let file = try MappedFile(path: path)
                #expect(throws: CheckpointError.self, "\(name) cut at \(cut)") {
                    let sd = try name.hasSuffix(".npz") ? NPZReader.read(file) : NPYReader.read(file)
                    for t in sd.tensors.values { _ = try t.contiguousBytes() }
                }
            }
        }
    }

    @Test func byteFlipsAreErrorsOrHarmless() throws {
        let npy = try DamagedCopies.flipEveryByte("flat/fortran.npy", read: NPYReader.read)
        #expect(npy.failures >= 6, "every flip of the magic is refused (\(npy.failures) of \(npy.total))")
        let npz = try DamagedCopies.flipEveryByte("flat/compressed.npz", read: NPZReader.read)
        #expect(npz.failures > npz.total / 2, "\(npz.failures) of \(npz.total)")
    }

    /// What numpy writes for a C-order little-endian array, ckpt writes byte for byte.
    @Test(arguments: ["v1_f4", "bool", "int64", "half", "scalar", "empty", "u1", "bf16", "c16"])
    func npyWriterIsByteIdenticalToNumpy(name: String) throws {
        let original = try Fixtures.map("flat/\(name).npy")
        let path = Temporary.path(".npy")
        defer { unlink(path) }
        try NPYWriter.write(try NPYReader.read(original), to: path)
        let copy = try MappedFile(path: path)
        #expect(try copy.copyBytes(offset: 0, count: copy.size) == original.copyBytes(offset: 0, count: original.size))
    }

    @Test(arguments: ["big_endian", "fortran", "big_i2"])
    func npyWriterNormalisesLayout(name: String) throws {
        let dir = try Temporary.folder().path
        defer { Temporary.remove(dir) }
        let path = dir + "/\(name).npy"
        try NPYWriter.write(try NPYReader.read(Fixtures.map("flat/\(name).npy")), to: path)
        let back = try NPYReader.read(MappedFile(path: path))
        try FileManifest.of("flat/\(name).npy").expectMatches(back)
        #expect(back.tensors.values.first?.storage.byteOrder == .little && back.tensors.values.first?.isContiguous == true)
    }

    @Test(arguments: ["plain.npz", "compressed.npz"])
    func npzWriterRoundTrips(name: String) throws {
        let path = Temporary.path(".npz")
        defer { unlink(path) }
        try NPZWriter.write(try NPZReader.read(Fixtures.map("flat/\(name)")), to: path)
        let zip = try ZipArchive(MappedFile(path: path))
        #expect(zip.entries.allSatisfy { $0.method == ZipArchive.stored && $0.dataOffset % 64 == 0 })
        let back = try NPZReader.read(MappedFile(path: path))
        try FileManifest.of("flat/\(name)").expectMatches(back)
    }

    @Test func writersRefuseWhatNumpyCannotHold() throws {
        let path = Temporary.path(".npy")
        defer { unlink(path) }
        let a = try TensorEntry.float32([1], shape: [1])
        let two = try #require(throws: CheckpointError.self) { try NPYWriter.write(StateDict(tensors: ["a": a, "b": a]), to: path) }
        #expect(two.description.contains("2 tensors"))
        let f8 = try TensorEntry(dtype: .float8_e4m3fn, shape: [2], bytes: [1, 2])
        let error = try #require(throws: CheckpointError.self) { try NPZWriter.write(StateDict(tensors: ["f": f8]), to: path) }
        #expect(error.description == "tensor 'f': NumPy has no float8_e4m3fn dtype")
    }

    @Test func pythonLiteralParsesHeadersOnly() throws {
        let v = try PythonLiteral.parse(Array("{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 4), }".utf8))
        #expect(v == .dict([("descr", .string("<f4")), ("fortran_order", .bool(false)), ("shape", .tuple([.int(3), .int(4)]))]))
        for bad in ["{'a': __import__('os')}", "{'a': 1", "(1, 2", "{'shape': (99999999999999999999999,)}"] {
            #expect(throws: CheckpointError.self, "\(bad)") { try PythonLiteral.parse(Array(bad.utf8)) }
        }
    }
}
