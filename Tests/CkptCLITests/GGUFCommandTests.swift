import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// The commands on GGUF files (`Fixtures/gguf_files/`, written by gguf-py): inspect, count, show, convert
/// and diff, against what gguf-py and PyTorch recorded in the fixtures' manifest.
@Suite struct GGUFCommandTests {
    static let folder = Fixtures.path("gguf_files")
    static func path(_ name: String) -> String { folder + "/" + name }

    struct Manifest: Decodable {
        struct Tensor: Decodable { let key, dtype: String; let shape: [Int]; let numel, bytes: Int }
        struct Expected: Decodable {
            let dtype: String
            let max_abs_diff: Double
            let mismatched: Int
        }
        struct File: Decodable {
            let tensors: [Tensor]
            let torch_str: [String: String]?
            let diff_against_safetensors: [String: Expected]?
        }
        let files: [String: File]
    }

    /// The fields of `diff --json` these tests read.
    struct DiffDocument: Decodable {
        struct Mismatch: Decodable { let key, a, b: String; let max_abs_diff: Double; let mismatched: Int }
        let only_in_a, only_in_b: [String]
        let dtype_mismatch: [Mismatch]
        let changed: [Changed]
        struct Changed: Decodable { let key: String }
        let unchanged: Int
    }

    static func manifest(_ name: String) throws -> Manifest.File {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("manifest.json")))
        return try #require(try JSONDecoder().decode(Manifest.self, from: data).files[name])
    }

    static func json(_ r: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout) \(r.stderr)")
    }

    @Test func inspectListsEveryTypeAsGGUFPyDoes() throws {
        let m = try Self.manifest("types.gguf")
        let r = try CLIRunner.run(["inspect", Self.path("types.gguf"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try Self.json(r)
        #expect(j["format"] as? String == "gguf")
        let rows = try #require(j["tensors"] as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String } == m.tensors.map(\.key))
        for (row, t) in zip(rows, m.tensors) {
            #expect(row["dtype"] as? String == t.dtype && row["shape"] as? [Int] == t.shape, "\(t.key)")
            #expect(row["numel"] as? Int == t.numel && row["bytes"] as? Int == t.bytes, "\(t.key)")
        }
        #expect(j["total_bytes"] as? Int == m.tensors.reduce(0) { $0 + $1.bytes })
        #expect(j["total_numel"] as? Int == m.tensors.reduce(0) { $0 + $1.numel })
        let byDtype = try #require(j["by_dtype"] as? [String: [String: Int]])
        #expect(byDtype["q4_k"]?["bytes"] == 576 && byDtype["float32"]?["tensors"] == 1)
        let metadata = try #require(j["metadata"] as? [String: Any])
        #expect(metadata["general.architecture"] as? String == "ckpt-types")
    }

    @Test func inspectSummarisesLongMetadataArrays() throws {
        let r = try CLIRunner.run(["inspect", Self.path("metadata.gguf")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\n  a.long.string         array('string', 70, ['tok0', 'tok1', 'tok2', 'tok3', 'tok4', 'tok5', 'tok6', 'tok7'])\n"))
        #expect(r.stdout.contains("\n  t.uint64              18446744073709551615\n"))
        #expect(r.stdout.contains("\n  a.nested              [[1, 2], [3, 4, 5]]\n"))
        #expect(r.stdout.contains("\nformat: gguf\n"))
        let j = try Self.json(try CLIRunner.run(["inspect", Self.path("metadata.gguf"), "--json"]))
        let metadata = try #require(j["metadata"] as? [String: Any])
        #expect(metadata["a.uint8"] as? [Int] == [0, 1, 255] && metadata["t.bool.true"] as? Bool == true)
        #expect((metadata["a.long.int32"] as? String)?.hasPrefix("array('int32', 1000, [") == true)
        #expect(try CLIRunner.run(["show", Self.path("metadata.gguf"), "a.nested"]).stdout == "[[1, 2], [3, 4, 5]]\n")
    }

    @Test func countTakesQuantizedTensorsAsParameters() throws {
        let m = try Self.manifest("types.gguf")
        let j = try Self.json(try CLIRunner.run(["count", Self.path("types.gguf"), "--json"]))
        let ints: Set<String> = ["int8", "int16", "int32", "int64"]
        #expect(j["parameters"] as? Int == m.tensors.filter { !ints.contains($0.dtype) }.reduce(0) { $0 + $1.numel })
        #expect(j["buffers"] as? Int == m.tensors.filter { ints.contains($0.dtype) }.reduce(0) { $0 + $1.numel })
        #expect((j["by_dtype"] as? [String: Int])?["q6_k"] == 768)
    }

    @Test func showPrintsDequantizedValuesAsPyTorchDoes() throws {
        let strings = try #require(try Self.manifest("types.gguf").torch_str)
        #expect(strings.count == 6)
        for (key, expected) in strings {
            let r = try CLIRunner.run(["show", Self.path("types.gguf"), key])
            #expect(r.status == 0, "\(key): \(r.stderr)")
            #expect(r.stdout == expected + "\n", "\(key)")
        }
    }

    @Test func convertWritesDequantizedFloat32AndKeepsOtherDtypes() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let values = try Checkpoint.read(Self.path("types.gguf.values.npz")).stateDict.tensors
        for ext in ["safetensors", "pt", "h5"] {
            let out = dir.appendingPathComponent("types." + ext).path
            let r = try CLIRunner.run(["convert", Self.path("types.gguf"), out])
            #expect(r.status == 0, "\(r.stderr)")
            let written = try Checkpoint.read(out).stateDict.tensors
            #expect(Array(written.keys) == (try Self.manifest("types.gguf")).tensors.map(\.key))
            for (key, want) in values {
                let got = try #require(written[key], "\(ext) \(key)")
                if want.dtype == .float32 {
                    #expect(try got.floatValues().map(\.bitPattern) == want.floatValues().map(\.bitPattern), "\(ext) \(key)")
                } else {
                    #expect(try got.contiguousBytes() == want.contiguousBytes(), "\(ext) \(key)")
                }
            }
            #expect(written["q4_k"]?.dtype == .float32 && written["f16"]?.dtype == .float16 && written["bf16"]?.dtype == .bfloat16)
            #expect(written["i64"]?.dtype == .int64 && written["f64"]?.dtype == .float64)
        }
        let half = dir.appendingPathComponent("half.safetensors").path
        #expect(try CLIRunner.run(["convert", Self.path("types.gguf"), half, "--dtype", "float16"]).status == 0)
        let cast = try Checkpoint.read(half).stateDict.tensors
        #expect(cast["q4_k"]?.dtype == .float16 && cast["bf16"]?.dtype == .float16 && cast["i32"]?.dtype == .int32)
        let q = try #require(values["q4_k"]), h = try #require(cast["q4_k"])
        #expect(try h.floatValues() == q.floatValues().map { HalfConversion.float(fromHalf: HalfConversion.half(fromFloat: $0)) })
    }

    @Test func diffAgainstTheSafetensorsSource() throws {
        let llama = Self.path("llama")
        let same = try CLIRunner.run(["diff", llama + "/model.safetensors", llama + "/model.f32.gguf"])
        #expect(same.status == 0, "\(same.stdout)")
        #expect(same.stdout.hasSuffix("\nidentical: 29 tensors, same keys, shapes, dtypes and values\n"))

        let expected = try #require(try Self.manifest("llama/model.quant.gguf").diff_against_safetensors)
        let r = try CLIRunner.run(["diff", llama + "/model.safetensors", llama + "/model.quant.gguf", "--json"])
        #expect(r.status == 1)
        // JSONDecoder, not JSONSerialization: the latter rounds some doubles off by an ulp on Linux.
        let j = try JSONDecoder().decode(DiffDocument.self, from: Data(r.stdout.utf8))
        #expect(j.only_in_a.isEmpty && j.only_in_b.isEmpty && j.changed.isEmpty)
        let quantized = expected.filter { $0.value.dtype != "float32" }
        #expect(Set(j.dtype_mismatch.map(\.key)) == Set(quantized.keys))
        for m in j.dtype_mismatch {
            let e = try #require(expected[m.key])
            #expect(m.a == "float32" && m.b == e.dtype, "\(m.key)")
            #expect(m.max_abs_diff == e.max_abs_diff && m.mismatched == e.mismatched, "\(m.key): \(m.max_abs_diff) vs \(e.max_abs_diff)")
        }
        #expect(j.unchanged == expected.count - quantized.count)
    }

    /// qwen3 (names mapped, rows as stored) and gemma3 (names mapped, its norms' + 1 undone) F32 conversions are
    /// identical to their source under Hugging Face names.
    @Test(arguments: [("qwen3", 25), ("gemma3", 28)])
    func aConversionIsIdenticalUnderHuggingFaceNames(model: String, tensors: Int) throws {
        let folder = Self.path(model)
        let r = try CLIRunner.run(["diff", folder + "/model.safetensors", folder + "/model.f32.gguf"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.hasSuffix("\nidentical: \(tensors) tensors, same keys, shapes, dtypes and values\n"))
    }

    @Test func twoGGUFsCompareUnderTheirStoredNames() throws {
        let llama = Self.path("llama")
        let j = try Self.json(try CLIRunner.run(["diff", llama + "/model.f32.gguf", llama + "/model.quant.gguf", "--json"]))
        let keys = (j["dtype_mismatch"] as? [[String: Any]])?.compactMap { $0["key"] as? String } ?? []
        #expect(keys.contains("blk.0.attn_q.weight") && !keys.contains { $0.hasPrefix("model.") })
    }

    @Test func valuesThatCannotBeDecodedAreOneLineErrors() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let file = Self.path("unsupported.gguf")
        #expect(try CLIRunner.run(["inspect", file]).status == 0)
        let out = dir.appendingPathComponent("out.safetensors").path
        for args in [["show", file, "iq2_xxs"], ["inspect", file, "--stats"], ["convert", file, out]] {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2 && r.stdout.isEmpty, "\(args)")
            #expect(r.stderr == "ckpt: error: \(file): tensor 'iq2_xxs': dequantizing iq2_xxs is not supported yet\n", "\(args)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        let be = try CLIRunner.run(["show", Self.path("bigendian.gguf"), "q8_0"])
        #expect(be.status == 2 && be.errorLines.count == 1 && be.stderr.contains("big-endian"))
        #expect(try CLIRunner.run(["show", Self.path("bigendian.gguf"), "i64"]).stdout == "tensor([[1099511627776,            -3]])\n")
    }
}
