import Testing
@testable import CkptReports

@Suite struct PrefixDiagnosisTests {
    let plain = ["conv.weight", "conv.bias", "fc.weight"]

    @Test func prefixOnA() throws {
        let d = try #require(PrefixDiagnosis.diagnose(onlyA: plain.map { "module." + $0 }, onlyB: plain))
        #expect(d.prefixA == "module." && d.prefixB == "")
        #expect(d.ruleAToB == "^module\\.=")
        #expect(d.ruleBToA == "^=module.")
        #expect(d.causes == ["module. (DataParallel/DistributedDataParallel)"])
        let m = try KeyMap([d.ruleAToB])
        #expect(try m.apply(toKeys: plain.map { "module." + $0 }) == plain)
        #expect(try KeyMap([d.ruleBToA]).apply(toKeys: plain) == plain.map { "module." + $0 })
    }

    @Test func prefixOnBAndChains() throws {
        let d = try #require(PrefixDiagnosis.diagnose(onlyA: plain, onlyB: plain.map { "_orig_mod.module." + $0 }))
        #expect(d.prefixA == "" && d.prefixB == "_orig_mod.module.")
        #expect(d.ruleBToA == "^_orig_mod\\.module\\.=")
        #expect(d.causes.count == 2)
        #expect(d.explanation(a: "A", b: "B") == "all 3 unmatched keys differ only by a prefix: B's keys start with "
                + "'_orig_mod.module.' (torch.compile, DataParallel/DistributedDataParallel) and A's do not")
    }

    @Test func differentPrefixesOnBothSides() throws {
        let d = try #require(PrefixDiagnosis.diagnose(onlyA: plain.map { "module." + $0 }, onlyB: plain.map { "model." + $0 }))
        #expect(d.ruleAToB == "^module\\.=model.")
        #expect(d.explanation(a: "checkpoint", b: "model").hasSuffix("checkpoint's keys start with 'module.' "
            + "(DataParallel/DistributedDataParallel) where model's start with 'model.' (a wrapper holding the network as `.model`, as in Lightning and Hugging Face)"))
        #expect(try KeyMap([d.ruleAToB]).apply("module.fc.weight") == "model.fc.weight")
        let fsdp = try #require(PrefixDiagnosis.diagnose(onlyA: ["_fsdp_wrapped_module.w"], onlyB: ["w"]))
        #expect(fsdp.causes == ["_fsdp_wrapped_module. (FSDP)"])
    }

    @Test func noDiagnosisWhenSomethingElseDiffers() {
        #expect(PrefixDiagnosis.diagnose(onlyA: plain.map { "module." + $0 }, onlyB: plain.dropLast() + ["head.weight"]) == nil)
        #expect(PrefixDiagnosis.diagnose(onlyA: ["module.a", "b"], onlyB: ["a", "b2"]) == nil)
        #expect(PrefixDiagnosis.diagnose(onlyA: ["encoder.a"], onlyB: ["a"]) == nil)
        #expect(PrefixDiagnosis.diagnose(onlyA: [], onlyB: []) == nil)
        #expect(PrefixDiagnosis.diagnose(onlyA: ["module.a"], onlyB: []) == nil)
        // A key that is only the prefix itself is not stripped to nothing.
        #expect(PrefixDiagnosis.diagnose(onlyA: ["module."], onlyB: [""]) == nil)
    }

    @Test func prefersTheSmallestFix() throws {
        // Both have module.; only A has model. after it.
        let d = try #require(PrefixDiagnosis.diagnose(onlyA: ["module.model.x"], onlyB: ["module.x"]))
        #expect(d.prefixA == "module.model." && d.prefixB == "module.")
    }
}
