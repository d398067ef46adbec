import CkptCore
@testable import CkptFormats
import Foundation
import Testing

/// Every GGUF fixture read by ckpt agrees with what gguf-py's reader and dequantizer recorded: metadata
/// (types, values, long arrays summarised), tensors in file order with their dtypes, shapes (ne reversed),
/// element counts and sizes in the file, and every value bit for bit.
@Suite struct GGUFReaderTests {
    @Test func manifestLoadsAndListsEveryFixture() throws {
        let m = try GGUFFixture.manifest.get()
        #expect(Set(m.files.keys) == ["types.gguf", "unsupported.gguf", "metadata.gguf", "v2.gguf", "bigendian.gguf",
                                      "llama/model.f32.gguf", "llama/model.quant.gguf", "qwen3/model.f32.gguf",
                                      "gemma3/model.f32.gguf", "split-00001-of-00003.gguf", "split-00002-of-00003.gguf",
                                      "split-00003-of-00003.gguf"])
        #expect(m.versions["gguf"] == "0.19.0")
    }

    @Test(arguments: GGUFFixture.names)
    func tensorsMatchGGUFPy(_ name: String) throws {
        let expected = try GGUFFixture.file(name)
        let c = try Checkpoint.read(GGUFFixture.path(name))
        #expect(c.format == .gguf)
        let tensors = c.stateDict.tensors
        #expect(Array(tensors.keys) == expected.tensors.map(\.key), "\(name): keys in file order")
        for t in expected.tensors {
            let e = try #require(tensors[t.key])
            #expect(e.storedDTypeName == t.dtype, "\(name) \(t.key)")
            #expect(e.shape == t.shape, "\(name) \(t.key)")
            #expect(e.numel == t.numel, "\(name) \(t.key)")
            #expect(e.storedByteCount == t.bytes, "\(name) \(t.key)")
            let quantized = GGMLType.all.first { $0.name == t.ggmlType }?.dtype == nil
            #expect((e.storage.encoding != nil) == quantized, "\(name) \(t.key)")
            if !quantized { #expect(e.byteCount == t.bytes && e.storage.bytes.mappedFile != nil, "\(name) \(t.key): mapped, not copied") }
        }
    }

    @Test(arguments: GGUFFixture.names)
    func metadataMatchesGGUFPy(_ name: String) throws {
        let expected = try GGUFFixture.file(name)
        let stateDict = try Checkpoint.read(GGUFFixture.path(name)).stateDict
        let metadata = stateDict.fileMetadata
        #expect(stateDict.metadata.isEmpty, "\(name): GGUF key/values are not state_dict entries")
        #expect(Set(metadata.keys) == Set(expected.metadata.keys), "\(name)")
        for (key, field) in expected.metadata {
            let value = try #require(metadata[key], "\(name) \(key)")
            if let count = field.count, field.elementType != "array" {
                // A summarised long array: array('<type>', count, [first elements]).
                guard case .object("array", let args) = value, args.count == 3,
                      case .string(let type) = args[0], case .int(let n) = args[1], case .list(let head) = args[2] else {
                    Issue.record("\(name) \(key): \(value) is not a summary")
                    continue
                }
                #expect(type == field.elementType && n == count, "\(name) \(key)")
                let wanted = try #require(field.head)
                #expect(head.count == wanted.count && zip(wanted, head).allSatisfy { $0.matches($1) }, "\(name) \(key): \(head)")
            } else if let wanted = field.value {
                #expect(wanted.matches(value), "\(name) \(key): \(value) != \(wanted)")
            } else {
                Issue.record("\(name) \(key): manifest has no value")
            }
        }
    }

    /// Values as gguf-py reads them: plain types byte for byte, float16/bfloat16 widened, quantized types
    /// dequantized (Q8_K from the formula) — compared as bit patterns, NaNs included.
    @Test(arguments: GGUFFixture.names)
    func valuesAreBitIdenticalToGGUFPy(_ name: String) throws {
        let values = try GGUFFixture.values(name)
        let tensors = try Checkpoint.read(GGUFFixture.path(name)).stateDict.tensors
        for (key, want) in values {
            let got = try #require(tensors[key], "\(name) \(key)")
            #expect(got.shape == want.shape, "\(name) \(key)")
            if want.dtype == .float32 {
                let a = try got.floatValues().map(\.bitPattern), b = try want.floatValues().map(\.bitPattern)
                let differing = zip(a, b).filter { $0 != $1 }.count
                #expect(a.count == b.count && differing == 0, "\(name) \(key) (\(got.storedDTypeName)): \(differing) values differ")
            } else {
                #expect(got.dtype == want.dtype, "\(name) \(key)")
                #expect(try got.contiguousBytes() == want.contiguousBytes(), "\(name) \(key)")
            }
        }
    }

    @Test func everyDecodableTypeIsCheckedAgainstGGUFPy() throws {
        let values = try GGUFFixture.values("types.gguf")
        let decodable = GGMLType.all.filter(\.isDecodable).map(\.name)
        let covered = try GGUFFixture.file("types.gguf").tensors.filter { values[$0.key] != nil }.map(\.ggmlType)
        #expect(Set(covered) == Set(decodable).subtracting(["q8_1"]).union(["f32", "f16", "bf16"]))
        #expect(!GGMLType.all.contains { $0.name == "q8_1" && $0.isDecodable })
    }

    @Test func versionTwoAndBigEndianHeadersAreRead() throws {
        #expect(try GGUFFixture.file("v2.gguf").version == 2)
        let v2 = try GGUFHeader.read(MappedFile(path: GGUFFixture.path("v2.gguf")))
        #expect(v2.version == 2 && !v2.bigEndian)
        let be = try GGUFHeader.read(MappedFile(path: GGUFFixture.path("bigendian.gguf")))
        let recorded = try GGUFFixture.file("bigendian.gguf").byteOrder
        #expect(be.version == 3 && be.bigEndian && recorded == "big")
        let tensors = try Checkpoint.read(GGUFFixture.path("bigendian.gguf")).stateDict.tensors
        #expect(tensors["f32"]?.storage.byteOrder == .big)
        #expect(try tensors["i32"]?.doubleValues() == [1, -2, 0x01020304])
    }

    @Test func alignmentComesFromTheMetadata() throws {
        let header = try GGUFHeader.read(MappedFile(path: GGUFFixture.path("metadata.gguf")))
        #expect(header.alignment == 64 && header.dataStart % 64 == 0)
        #expect(try GGUFFixture.file("metadata.gguf").alignment == 64)
        #expect(try GGUFHeader.read(MappedFile(path: GGUFFixture.path("types.gguf"))).alignment == 32)
    }

    /// Reading the file succeeds (nothing is decoded then); each tensor fails only when its values are asked for.
    @Test func typesWithoutADequantizerAreListedAndRefuseValuesInOneLine() throws {
        let path = GGUFFixture.path("unsupported.gguf")
        let tensors = try Checkpoint.read(path).stateDict.tensors
        #expect(tensors.count == 10)
        for (key, t) in tensors {
            let error = try #require(throws: FileError.self) { try t.floatValues() }
            #expect(error.description == "\(path): tensor '\(key)': dequantizing \(key) is not supported yet")
        }
    }

    @Test func quantizedBlocksOfABigEndianFileAreRefused() throws {
        let path = GGUFFixture.path("bigendian.gguf")
        let q = try #require(try Checkpoint.read(path).stateDict.tensors["q8_0"])
        let error = try #require(throws: FileError.self) { try q.contiguousBytes() }
        #expect(error.description.hasPrefix("\(path): tensor 'q8_0': q8_0 blocks in a big-endian GGUF file are not supported"))
    }

    @Test func blockSizesAreGGMLCommonsNotThePublishedTables() {
        func size(_ name: String) -> (Int, Int)? { GGMLType.all.first { $0.name == name }.map { ($0.blockElements, $0.blockBytes) } }
        #expect(size("q8_1")! == (32, 36))   // gguf-py and Netron say 40
        #expect(size("q2_k")! == (256, 84))  // gguf-tools says 82
        #expect(size("iq4_nl")! == (32, 18)) // gguf-tools says 256/50
        #expect(GGMLType.type(id: 16)?.name == "iq2_xxs") // once I8 in old tables
        #expect(GGMLType.type(id: 4) == nil && GGMLType.retired[4] == "q4_2")
        #expect(Set(GGMLType.all.map(\.id)).count == GGMLType.all.count)
    }
}
