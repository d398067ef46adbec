import Testing
@testable import CkptReports

@Suite struct KeyRangesTests {
    @Test func groupsOneIntegerComponent() {
        let keys = (0..<12).map { "layers.\($0).attn.in_proj_weight" }
        let groups = KeyRanges.group(keys)
        #expect(groups.map(\.pattern) == ["layers.{0..11}.attn.in_proj_weight"])
        #expect(groups[0].keys == keys)
    }

    @Test func formatsRunsAndGaps() {
        #expect(KeyRanges.format([0, 1, 2, 3, 5]) == "{0..3,5}")
        #expect(KeyRanges.format([5, 3, 1, 0, 2]) == "{0..3,5}")
        #expect(KeyRanges.format([0, 1]) == "{0,1}")
        #expect(KeyRanges.format([1, 2, 3, 7, 8, 9, 11]) == "{1..3,7..9,11}")
        #expect(KeyRanges.format([4]) == "4")
    }

    @Test func keepsFirstAppearanceOrderAndSingletons() {
        let keys = ["embed.weight", "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                    "layers.3.weight", "norm.weight", "head.weight"]
        #expect(KeyRanges.patterns(keys) == ["embed.weight", "layers.{0,1,3}.weight", "layers.{0,1}.bias",
                                             "norm.weight", "head.weight"])
    }

    @Test func mergesCartesianProductsOnly() {
        var keys: [String] = []
        for l in 0..<3 { for m in 0..<2 { keys.append("blocks.\(l).mlp.\(m).weight") } }
        #expect(KeyRanges.patterns(keys) == ["blocks.{0..2}.mlp.{0,1}.weight"])
        #expect(KeyRanges.group(keys)[0].keys == keys)
        // Without blocks.2.mlp.1 the product is incomplete: no pattern may claim a missing key.
        let partial = keys.filter { $0 != "blocks.2.mlp.1.weight" }
        let groups = KeyRanges.group(partial)
        #expect(groups.map(\.keys.count).reduce(0, +) == partial.count)
        #expect(Set(groups.flatMap(\.keys)) == Set(partial))
        #expect(groups.map(\.pattern) == ["blocks.{0..2}.mlp.0.weight", "blocks.{0,1}.mlp.1.weight"])
    }

    @Test func prefersTheLargerGroup() {
        // Two integer components: 12 layers × one head index beats grouping the 2 heads of one layer.
        var keys: [String] = []
        for l in 0..<12 { keys.append("layers.\(l).heads.0.w") }
        keys.append("layers.0.heads.1.w")
        let p = KeyRanges.patterns(keys)
        #expect(p == ["layers.{0..11}.heads.0.w", "layers.0.heads.1.w"])
    }

    @Test func nonCanonicalNumbersStayText() {
        #expect(KeyRanges.patterns(["a.01.w", "a.1.w"]) == ["a.01.w", "a.1.w"])
        #expect(KeyRanges.patterns(["a.-1.w", "a.1.w"]) == ["a.-1.w", "a.1.w"])
        #expect(KeyRanges.patterns(["x", "x"]) == ["x", "x"])
        #expect(KeyRanges.patterns([String]()) == [])
    }

    @Test func differentLengthsDoNotMerge() {
        #expect(KeyRanges.patterns(["a.0", "a.1.b", "a.2"]) == ["a.{0,2}", "a.1.b"])
    }

    @Test func transformerSizedKeyLists() {
        let names = (0..<20).map { "p\($0).weight" }
        var keys = ["embed.weight"]
        for l in 0..<48 { for n in names { keys.append("h.\(l).\(n)") } }
        keys.append("ln_f.weight")
        let groups = KeyRanges.group(keys)
        #expect(groups.map(\.pattern) == ["embed.weight"] + names.map { "h.{0..47}.\($0)" } + ["ln_f.weight"])
        #expect(groups.map(\.keys.count).reduce(0, +) == keys.count)
    }
}
