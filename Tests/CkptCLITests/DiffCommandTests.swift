import CkptTestSupport
import Foundation
import Testing

/// `ckpt diff` run as a user runs it: exit statuses, whole text reports, JSON, errors (Fixtures/diff).
@Suite struct DiffCommandTests {
    static let folder = Fixtures.path("diff")

    /// Runs `ckpt diff` on fixture names; fixture paths in the output are shortened to the names.
    func diff(_ args: String...) throws -> CLIRunner.Result {
        let full = ["diff"] + args.map { $0.hasSuffix(".pt") || $0.contains(".pt#") || $0.hasSuffix(".safetensors") || $0.hasSuffix(".h5")
            ? Self.folder + "/" + $0 : $0 }
        var r = try CLIRunner.run(full)
        r.stdout = r.stdout.replacingOccurrences(of: Self.folder + "/", with: "")
        r.stderr = r.stderr.replacingOccurrences(of: Self.folder + "/", with: "")
        return r
    }

    @Test func identicalAcrossFormats() throws {
        for other in ["training.pt#model"] {
            let r = try diff("base.pt", other)
            #expect(r.status == 0, "\(other): \(r.stdout) \(r.stderr)")
            #expect(r.stdout == "A: base.pt (17 tensors)\nB: \(other) (17 tensors)\n\nidentical: 17 tensors, same keys, shapes, dtypes and values\n")
            let j = try diff("base.pt", other, "--json").json()
            #expect(j["identical"] as? Bool == true && j["unchanged"] as? Int == 17)
        }
    }

    @Test func fineTunedCopyWholeReport() throws {
        let r = try diff("base.pt", "finetuned.pt")
        #expect(r.status == 1 && r.stderr.isEmpty)
        #expect(r.stdout == """
            A: base.pt (17 tensors)
            B: finetuned.pt (17 tensors)

            changed (2):   max |a-b|  mean |a-b|    mismatched     rel L2
              head.weight  3.097e-03   9.010e-04  60/60 (100%)  6.743e-03
              head.bias    5.720e-02   2.990e-02    5/5 (100%)  2.326e-01

            different: 2 changed, 15 unchanged (17 tensors in A, 17 in B)

            """)
    }

    @Test func fineTunedCopyJSONMatchesNumpy() throws {
        let golden = try Fixtures.json("diff/golden.json")
        let expected = try #require(golden["base_vs_finetuned"] as? [String: [String: Any]])
        let r = try diff("base.pt", "finetuned.pt", "--json")
        #expect(r.status == 1)
        let j = try r.json()
        #expect(j["identical"] as? Bool == false && j["unchanged"] as? Int == 15)
        let changed = try #require(j["changed"] as? [[String: Any]])
        #expect(changed.compactMap { $0["key"] as? String } == ["head.weight", "head.bias"])
        for c in changed {
            let g = try #require(expected[c["key"] as? String ?? ""])
            for field in ["max_abs_diff", "mean_abs_diff", "rel_l2"] {
                let x = try #require(c[field] as? Double), y = try #require(g[field] as? Double)
                #expect(abs(x - y) <= 1e-7 * abs(y), "\(field): \(x) vs numpy \(y)")
            }
            #expect(c["mismatched"] as? Int == g["mismatched"] as? Int)
        }
        #expect(try diff("base.pt", "finetuned.pt", "--atol", "0.1").status == 0)
        #expect(try diff("base.pt", "finetuned.pt", "--keys-only").status == 0)
    }

    @Test func modulePrefixDiagnosisAndMap() throws {
        let r = try diff("module.pt", "base.pt")
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("  module.layers.{0..2}.weight    float32 [12, 12]"))
        #expect(lines.contains { $0.hasPrefix("diagnosis: all 17 unmatched keys differ only by a prefix: A's keys start with 'module.' (DataParallel/DistributedDataParallel) and B's do not")
            && $0.hasSuffix("compare them with --map-a '^module\\.='") })
        #expect(lines.last == "different: 17 only in A, 17 only in B, 0 unchanged (17 tensors in A, 17 in B)")
        #expect(try diff("module.pt", "base.pt", "--map-a", "^module\\.=").status == 0)
        #expect(try diff("base.pt", "module.pt", "--map-b", "^module\\.=", "-q").status == 0)
        let j = try diff("module.pt", "base.pt", "--json").json()
        #expect((j["diagnosis"] as? [String])?.first?.contains("module.") == true)
    }

    @Test func reshapedAndCastCopy() throws {
        let r = try diff("base.pt", "reshaped_cast.pt")
        #expect(r.status == 1)
        #expect(r.stdout == """
            A: base.pt (17 tensors)
            B: reshaped_cast.pt (17 tensors)

            shape mismatch (1):
              fc.weight          [12, 16] vs [16, 12]
            dtype mismatch (1):  dtypes              max |a-b|  mean |a-b|      mismatched     rel L2
              layers.1.weight    float32 vs float16  1.218e-04   2.571e-05  144/144 (100%)  2.273e-04

            different: 1 dtype mismatch, 1 shape mismatch, 15 unchanged (17 tensors in A, 17 in B)

            """)
        let j = try diff("base.pt", "reshaped_cast.pt", "--json").json()
        let shape = try #require((j["shape_mismatch"] as? [[String: Any]])?.first)
        #expect(shape["key"] as? String == "fc.weight" && shape["a"] as? [Int] == [12, 16] && shape["b"] as? [Int] == [16, 12])
        let dtype = try #require((j["dtype_mismatch"] as? [[String: Any]])?.first)
        #expect(dtype["key"] as? String == "layers.1.weight" && dtype["a"] as? String == "float32" && dtype["b"] as? String == "float16")
        #expect(dtype["max_abs_diff"] is Double && dtype["rel_l2"] is Double)
        #expect((j["changed"] as? [Any])?.isEmpty == true)
    }

    @Test func nanAgainstANumber() throws {
        let r = try diff("base.pt", "nan_a.pt")
        #expect(r.status == 1)
        #expect(r.stdout.contains("""
            changed (1):       max |a-b|  mean |a-b|               mismatched         rel L2
              layers.0.weight          0           0  1/144 (0.7%), 1 NaN/Inf  n/a (NaN/Inf)
            """))
        let c = try #require((try diff("base.pt", "nan_a.pt", "--json").json()["changed"] as? [[String: Any]])?.first)
        #expect(c["rel_l2"] is NSNull && c["nonfinite"] as? Int == 1 && c["mismatched"] as? Int == 1)
    }

    @Test func quietPrintsNothing() throws {
        let same = try diff("base.pt", "training.pt#model", "-q"), other = try diff("base.pt", "finetuned.pt", "--quiet")
        #expect(same.status == 0 && other.status == 1)
        #expect(same.stdout.isEmpty && other.stdout.isEmpty && same.stderr.isEmpty && other.stderr.isEmpty)
    }

    @Test func troubleIsStatusTwoWithOneLine() throws {
        let cases: [([String], String)] = [
            (["base.pt", "missing.pt"], "ckpt: error: missing.pt: cannot open: No such file or directory"),
            (["base.pt", "training.pt#optimizer"], "ckpt: error: training.pt: no entry 'optimizer'"),
            (["base.pt", "base.pt", "--map-a", "nothing"], "ckpt: error: map rule 'nothing' has no '=' (expected REGEX=REPLACEMENT)"),
            (["base.pt", "base.pt", "--map-b", "*x="], "ckpt: error: map rule '*x=': invalid regular expression"),
            (["base.pt", "base.pt", "--map-a", "^(conv|fc)\\.=x."], "ckpt: error: map rules rename both 'conv.weight' and 'fc.weight' to 'x.weight'"),
            (["base.pt", "base.pt", "--atol=-1"], "ckpt: error: --atol and --rtol must be non-negative numbers"),
            (["base.pt", "base.pt", "--rtol", "nan"], "ckpt: error: --atol and --rtol must be non-negative numbers"),
        ]
        for (args, message) in cases {
            let r = try CLIRunner.run(["diff"] + args.map { $0.hasSuffix(".pt") || $0.contains(".pt#") ? Self.folder + "/" + $0 : $0 })
            let err = r.stderr.replacingOccurrences(of: Self.folder + "/", with: "")
            #expect(r.status == 2 && r.stdout.isEmpty, "\(args): \(r.status)")
            #expect(err.hasPrefix(message) && err.split(separator: "\n").count == 1, "\(args): \(err)")
        }
    }

    @Test func truncatedFileIsTrouble() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/finetuned.pt"))
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        for cut in [100, data.count / 2, data.count - 40] {
            let path = dir.appendingPathComponent("cut.pt").path
            _ = FileManager.default.createFile(atPath: path, contents: data.prefix(cut))
            let r = try CLIRunner.run(["diff", Self.folder + "/base.pt", path])
            #expect(r.exitedNormally && r.status == 2 && r.errorLines.count == 1, "cut \(cut): \(r.stderr)")
            #expect(r.stderr.hasPrefix("ckpt: error: \(path): "))
        }
    }
}
