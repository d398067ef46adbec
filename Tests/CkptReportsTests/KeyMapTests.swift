import Testing
@testable import CkptReports

@Suite struct KeyMapTests {
    @Test func stripsAndAddsPrefixes() throws {
        #expect(try KeyMap(["^module\\.="]).apply("module.fc.weight") == "fc.weight")
        #expect(try KeyMap(["^module\\.="]).apply("fc.module.weight") == "fc.module.weight")
        #expect(try KeyMap(["^=model."]).apply("fc.weight") == "model.fc.weight")
    }

    @Test func groupsInBothSpellings() throws {
        #expect(try KeyMap(["layers\\.(\\d+)=blocks.\\1"]).apply("layers.11.w") == "blocks.11.w")
        #expect(try KeyMap(["layers\\.(\\d+)=blocks.$1"]).apply("layers.3.w") == "blocks.3.w")
        #expect(try KeyMap(["(\\w+)\\.(\\w+)=\\2.\\1"]).apply("fc.weight") == "weight.fc")
    }

    @Test func rulesApplyInOrderAndReplaceEveryMatch() throws {
        let m = try KeyMap(["^_orig_mod\\.=", "^module\\.=", "norm=ln"])
        #expect(m.apply("_orig_mod.module.norm.norm_w") == "ln.ln_w")
        #expect(m.rules.map(\.pattern) == ["^_orig_mod\\.", "^module\\.", "norm"])
        #expect(m.renamed(["module.a", "b"]).map(\.to) == ["a"])
    }

    @Test func literalBackslashAndDollarInReplacement() throws {
        #expect(try KeyMap(["a=\\$x"]).apply("a") == "$x")
        #expect(try KeyMap(["a=\\\\"]).apply("a") == "\\")
    }

    @Test func lookaroundKeepsItsEquals() throws {
        let r = try KeyMap.Rule("w(?=eight)=W")
        #expect(r.pattern == "w(?=eight)")
        #expect(r.apply("fc.weight") == "fc.Weight")
        #expect(try KeyMap.Rule("[=]=eq").apply("a=b") == "aeqb")
    }

    @Test func badRulesAreArgumentErrors() {
        #expect(throws: KeyMapError.missingSeparator(rule: "module")) { try KeyMap(["module"]) }
        #expect(throws: KeyMapError.badPattern(rule: "*a=x", pattern: "*a")) { try KeyMap(["*a=x"]) }
        #expect(throws: KeyMapError.missingSeparator(rule: "(a=b)")) { try KeyMap(["(a=b)"]) }
        #expect(KeyMapError.badPattern(rule: "(=x", pattern: "(").description.contains("invalid regular expression"))
    }

    @Test func collisionsAreErrors() throws {
        let m = try KeyMap(["^(module|model)\\.="])
        #expect(throws: KeyMapError.collision(first: "module.w", second: "model.w", target: "w")) { try m.apply(toKeys: ["module.w", "model.w"]) }
        #expect(try m.apply(toKeys: ["module.w", "model.b"]) == ["w", "b"])
        #expect(try KeyMap().apply(toKeys: ["a", "b"]) == ["a", "b"])
    }
}
