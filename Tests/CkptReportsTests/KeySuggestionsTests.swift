import Testing
@testable import CkptReports

@Suite struct KeySuggestionsTests {
    @Test func editDistanceIsLevenshteins() {
        #expect(KeySuggestions.editDistance("kitten", "sitting") == 3)
        #expect(KeySuggestions.editDistance("", "abc") == 3 && KeySuggestions.editDistance("abc", "") == 3)
        #expect(KeySuggestions.editDistance("weigth", "weight") == 2 && KeySuggestions.editDistance("same", "same") == 0)
    }

    @Test func containingKeysComeFirstThenNearOnes() {
        let keys = ["fc1.weight", "fc1.bias", "conv1.weight", "fc2.weight", "head.weight"]
        #expect(KeySuggestions.closeMatches("FC1", in: keys) == ["fc1.weight", "fc1.bias"])
        let near = KeySuggestions.closeMatches("fc3.weight", in: keys)
        #expect(Set(near.prefix(2)) == ["fc1.weight", "fc2.weight"] && near.count == 4, "\(near)")
        #expect(KeySuggestions.closeMatches("fc3.bias", in: keys) == ["fc1.bias"])
        #expect(KeySuggestions.closeMatches("zzz", in: keys).isEmpty)
        #expect(KeySuggestions.closeMatches("weight", in: keys, limit: 2) == ["fc1.weight", "conv1.weight"])
    }
}
