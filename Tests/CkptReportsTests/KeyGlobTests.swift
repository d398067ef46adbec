import Testing
@testable import CkptReports

/// Cases checked with Python's `fnmatch.fnmatchcase`.
@Suite struct KeyGlobTests {
    @Test(arguments: [
        ("*.weight", "0.weight", true), ("*.weight", "0.bias", false), ("conv?.*", "conv1.bias", true),
        ("conv?.*", "conv12.bias", false), ("[!c]*", "fc1.weight", true), ("[!c]*", "conv1.weight", false),
        ("[]]x", "]x", true), ("a[", "a[", true), ("*bias", "layer.0.bias", true),
        ("layer.[0-2].*", "layer.3.w", false), ("layer.[0-2].*", "layer.2.w", true), ("*", "", true),
        ("model.*.running_*", "model.bn.running_var", true), ("a*b*c", "aXbYbZc", true), ("a*b*c", "aXbYbZ", false),
        ("block 0.*", "0.block 0.0.weight", false), ("*block 0.*", "0.block 0.0.weight", true),
    ])
    func matchesLikeFnmatch(_ pattern: String, _ key: String, _ expected: Bool) {
        #expect(KeyGlob(pattern).matches(key) == expected)
    }
}
