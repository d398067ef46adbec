import CkptTestSupport
import Foundation
import Testing

/// `ckpt diff` across formats: the same state_dict as torch.save, safetensors and h5py files (Fixtures/diff).
@Suite struct DiffCrossFormatTests {
    static let folder = Fixtures.path("diff")

    func diff(_ args: String...) throws -> CLIRunner.Result {
        var r = try CLIRunner.run(["diff"] + args.map { $0.contains(".") && !$0.hasPrefix("-") && !$0.hasPrefix("^") ? Self.folder + "/" + $0 : $0 })
        r.stdout = r.stdout.replacingOccurrences(of: Self.folder + "/", with: "")
        r.stderr = r.stderr.replacingOccurrences(of: Self.folder + "/", with: "")
        return r
    }

    @Test(arguments: ["base.safetensors", "base.h5"]) func identicalAcrossFormats(_ other: String) throws {
        let r = try diff("base.pt", other)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout == "A: base.pt (17 tensors)\nB: \(other) (17 tensors)\n\nidentical: 17 tensors, same keys, shapes, dtypes and values\n")
        let j = try diff(other, "base.pt", "--json").json()
        #expect(j["identical"] as? Bool == true && j["unchanged"] as? Int == 17)
        #expect((j["changed"] as? [Any])?.isEmpty == true && (j["only_in_a"] as? [Any])?.isEmpty == true)
    }

    @Test func fineTunedAgainstAnotherFormat() throws {
        let r = try diff("base.h5", "finetuned.pt", "--json")
        #expect(r.status == 1)
        let j = try r.json()
        #expect((j["changed"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["head.weight", "head.bias"])
    }

    @Test func nanAtTheSamePlaceInTwoFormats() throws {
        // Different NaN bit patterns at the same place: bytes differ, values do not.
        let r = try diff("nan_a.pt", "nan_b.safetensors")
        #expect(r.status == 0, "\(r.stdout)")
        #expect(try diff("base.safetensors", "nan_b.safetensors", "-q").status == 1)
    }

    @Test func modulePrefixAgainstSafetensors() throws {
        let r = try diff("base.safetensors", "module.pt")
        #expect(r.status == 1)
        #expect(r.stdout.contains("compare them with --map-b '^module\\.='"))
        #expect(try diff("base.safetensors", "module.pt", "--map-b", "^module\\.=", "-q").status == 0)
    }
}
