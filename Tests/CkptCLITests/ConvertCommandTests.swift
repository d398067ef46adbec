import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// `ckpt convert`: round trips through every writable format keep keys, order, dtypes and bytes; refusals exit 2.
@Suite struct ConvertCommandTests {
    /// Tensors of `path` as (key, dtype, shape, contiguous bytes), in file order.
    func contents(_ path: String) throws -> [(String, DType, [Int], [UInt8])] {
        try Checkpoint.read(reference: path).stateDict.tensors.map { ($0.key, $0.value.dtype, $0.value.shape, try $0.value.contiguousBytes()) }
    }

    func expectSame(_ a: String, _ b: String, _ what: String) throws {
        let x = try contents(a), y = try contents(b)
        #expect(x.map(\.0) == y.map(\.0), "\(what): keys")
        for (p, q) in zip(x, y) {
            #expect(p.1 == q.1 && p.2 == q.2, "\(what): \(p.0) is \(q.1) \(q.2), expected \(p.1) \(p.2)")
            #expect(p.3 == q.3, "\(what): \(p.0) bytes differ")
        }
    }

    @Test(arguments: ["pt", "safetensors", "h5", "npz"])
    func roundTripKeepsEverything(_ ext: String) throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let source = Fixtures.path("reference/dtypes.pt")
        let mid = dir.appendingPathComponent("dtypes." + ext).path, back = dir.appendingPathComponent("back.pt").path
        let r = try CLIRunner.run(["convert", source, mid])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote \(mid) ("))
        try expectSame(source, mid, "pt → \(ext)")
        let r2 = try CLIRunner.run(["convert", mid, back, "-q"])
        #expect(r2.status == 0 && r2.stdout.isEmpty, "\(r2.stderr)")
        try expectSame(source, back, "pt → \(ext) → pt")
    }

    @Test func dtypeCastsFloatingTensorsOnlyAndKeepsTies() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("half.pt").path
        let r = try CLIRunner.run(["convert", Fixtures.path("reference/dtypes.pt"), out, "--dtype", "float16", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try Checkpoint.read(out)
        let t = c.stateDict.tensors
        #expect(t["f32"]?.dtype == .float16 && t["f64"]?.dtype == .float16 && t["bf16"]?.dtype == .float16)
        #expect(t["i64"]?.dtype == .int64 && t["bool"]?.dtype == .bool && t["u8"]?.dtype == .uint8)
        // f32 → f16 rounds to nearest even, as torch's .half() does.
        let f32 = try Checkpoint.read(Fixtures.path("reference/dtypes.pt")).stateDict.tensors["f32"]
        #expect(try t["f32"]?.contiguousBytes() == f32?.converted(to: .float16).contiguousBytes())
        #expect(c.stateDict.sharedWith["base_t"] == "base")
    }

    @Test func refusesToOverwriteTheInput() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let path = dir.appendingPathComponent("m.pt").path
        try FileManager.default.copyItem(atPath: Fixtures.path("reference/mlp.pt"), toPath: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for target in [path, dir.appendingPathComponent("./m.pt").path] {
            let r = try CLIRunner.run(["convert", path, target])
            #expect(r.status == 2)
            #expect(r.errorLines.count == 1 && r.stderr.contains("refusing to overwrite the input"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func unknownExtensionAndUnwritableFormatAreErrors() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let src = Fixtures.path("reference/mlp.pt")
        let r = try CLIRunner.run(["convert", src, dir.appendingPathComponent("out.weights").path])
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("--to"))
        let r2 = try CLIRunner.run(["convert", src, dir.appendingPathComponent("x.pt").path, "--to", "keras"])
        #expect(r2.status == 2 && r2.errorLines.count == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers.isEmpty, "half-written files: \(leftovers)")
    }

    @Test func convertsOneEntryOfATrainingCheckpoint() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("model.safetensors").path
        let r = try CLIRunner.run(["convert", Fixtures.path("reference/train.pt") + "#model", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try r.json()
        #expect(o["format"] as? String == "safetensors" && o["tensors"] as? Int == 4 && o["input_format"] as? String == "torch-zip")
        #expect(try contents(out).map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        try expectSame(Fixtures.path("reference/train.pt") + "#model", out, "train.pt#model → safetensors")
    }
}
