import CkptTestSupport
import Foundation
import Testing

/// `ckpt inspect` on the reference fixtures: whole text outputs, JSON against torch's own figures.
@Suite struct InspectCommandTests {
    let tied = Fixtures.path("reference/tied.pt")

    @Test func tiedTableMarksSharedStorage() throws {
        let r = try CLIRunner.run(["inspect", tied])
        #expect(r.status == 0 && r.stderr.isEmpty)
        #expect(r.stdout == """
            KEY       DTYPE    SHAPE   NUMEL  BYTES  SHARES
            0.weight  float32  [8, 4]     32  128 B
            0.bias    float32  [8]         8   32 B
            2.weight  float32  [8, 8]     64  256 B
            2.bias    float32  [8]         8   32 B
            4.weight  float32  [8, 8]     64  256 B  = 2.weight
            4.bias    float32  [8]         8   32 B  = 2.bias
            6.weight  float32  [1, 8]      8   32 B
            6.bias    float32  [1]         1    4 B

            8 tensors, 193 elements, 772 B (unique: 121 elements, 484 B)
              float32  8  tensors  193  elements  772 B
            format: torch-zip

            """)
    }

    @Test func treeWithDepthOne() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("reference/seqnet.pt"), "--tree", "--depth", "1"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("""
            MODULE  DTYPE      NUMEL     BYTES
            embed/  1 tensor      40     160 B
            lstm/   4 tensors    288  1.12 KiB
            bn/     5 tensors     25     104 B
            head/   2 tensors     21      84 B

            12 tensors, 374 elements, 1.46 KiB
            """))
    }

    @Test func entryAndFilter() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("reference/train.pt") + "#model", "--filter", "*.weight"])
        #expect(r.status == 0)
        #expect(r.stdout == """
            KEY       DTYPE    SHAPE   NUMEL  BYTES
            0.weight  float32  [8, 4]     32  128 B
            2.weight  float32  [1, 8]      8   32 B

            2 tensors, 40 elements, 160 B
              float32  2  tensors  40  elements  160 B
            format: torch-zip

            """)
    }

    @Test func missingEntryIsAnErrorNamingTheKeysThere() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("reference/train.pt") + "#nope"])
        #expect(r.status == 2)
        #expect(r.errorLines == ["ckpt: error: \(Fixtures.path("reference/train.pt")): no entry 'nope' (keys here: model, optimizer, epoch)"])
    }

    @Test func trainingCheckpointMetadata() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("reference/train.pt"), "--json"])
        #expect(r.status == 0)
        let o = try r.json()
        let meta = try #require(o["metadata"] as? [String: Any])
        #expect(meta["epoch"] as? Int == 1)
        #expect(meta["optimizer.param_groups.0.lr"] as? Double == 0.001)
        #expect(meta["optimizer.param_groups.0.betas"] as? [Double] == [0.9, 0.999])
        #expect(o["total_numel"] as? Int == 151 && o["unique_numel"] as? Int == 151 && o["total_bytes"] as? Int == 604)
    }

    /// Values from `t.double().min()/max()/mean()/std()` in torch on `dtypes.pt`.
    @Test func statsMatchTorch() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("reference/dtypes.pt"), "--stats", "--json"])
        #expect(r.status == 0)
        let o = try r.json()
        let rows = try #require(o["tensors"] as? [[String: Any]])
        var stats: [String: [String: Any]] = [:]
        for row in rows { stats[row["key"] as? String ?? ""] = row["stats"] as? [String: Any] }
        let golden: [String: [Double]] = [
            "f32": [-1.0115290880203247, 0.5036107301712036, -0.07581998904546101, 0.6046871416446619],
            "f16": [-1.3701171875, 0.884765625, -0.07047526041666667, 0.7889591627785636],
            "bf16": [-2.0, 299008.0, 49834.58349990845, 122069.54558332222],
            "i64": [-1099511627776.0, 4.611686018427388e+18, 7.686141535105407e+17, 1.8827130227785388e+18],
            "u8": [0.0, 255.0, 85.33333333333333, 146.9364942188745],
            "row": [0.0, 0.375, 0.1875, 0.1613743060919757],
            "base_t": [-0.5, 0.875, 0.1875, 0.45069390943299864],
        ]
        for (key, g) in golden {
            let s = try #require(stats[key], "no stats for \(key)")
            let got = ["min", "max", "mean", "std"].map { s[$0] as? Double ?? .nan }
            for (a, b) in zip(got, g) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(key): \(got) vs \(g)") }
            #expect(s["nan"] as? Int == 0 && s["inf"] as? Int == 0)
        }
        let scalar = try #require(stats["scalar"])
        #expect(scalar["std"] is NSNull && scalar["mean"] as? Double == 3.25)
    }

    @Test func jsonIsTheOnlyThingOnStdout() throws {
        let r = try CLIRunner.run(["inspect", tied, "--json", "--tree"])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let o = try r.json()
        #expect(o["format"] as? String == "torch-zip")
        let rows = try #require(o["tensors"] as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String ?? "" } == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        #expect(rows[4]["shared_with"] as? String == "2.weight")
        #expect((o["tree"] as? [String: Any])?["numel"] as? Int == 193)
    }

    @Test func globalsOfAPlainStateDict() throws {
        let r = try CLIRunner.run(["inspect", tied, "--globals"])
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("""
            pickle globals:
              ok      collections.OrderedDict
              ok      torch._utils._rebuild_tensor_v2
              ok      torch.FloatStorage
            torch.load(weights_only=True) would accept this file

            """))
    }

    /// torch refuses `os.system`; `--globals` lists it instead of failing, and plain inspect refuses the file.
    @Test func globalsListARefusedGlobalWithoutFailing() throws {
        let file = Fixtures.path("torch_files/evil_os_system.pt")
        let r = try CLIRunner.run(["inspect", file, "--globals", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try r.json()
        #expect(o["weights_only"] as? Bool == false)
        #expect((o["error"] as? String)?.contains("os.system") == true)
        let globals = try #require(o["globals"] as? [[String: Any]])
        #expect(globals.contains { $0["name"] as? String == "os.system" && $0["allowed"] as? Bool == false })
        let plain = try CLIRunner.run(["inspect", file])
        #expect(plain.status == 2 && plain.errorLines.count == 1 && plain.stderr.contains("os.system"))
    }

    /// Protocol 4 opcodes are refused by torch's weights-only unpickler (checked with torch 2.x).
    @Test func globalsReportRefusedOpcodes() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("torch_files/protocol4.pt"), "--globals"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("  REFUSED opcode STACK_GLOBAL\n"))
        #expect(r.stdout.contains("torch.load(weights_only=True) would refuse this file"))
    }

    @Test func globalsOfAFormatWithoutPickle() throws {
        let r = try CLIRunner.run(["inspect", Fixtures.path("reference/mlp.safetensors"), "--globals", "--json"])
        #expect(r.status == 0)
        let o = try r.json()
        #expect((o["globals"] as? [Any])?.isEmpty == true && o["weights_only"] == nil)
    }
}
