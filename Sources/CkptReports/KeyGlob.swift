/// A shell-style pattern over dotted keys, as Python's `fnmatch.fnmatchcase`: `*` (any run, dots included),
/// `?` (one character), `[abc]`, `[a-z]`, `[!abc]`; anything else matches itself.
public struct KeyGlob: Sendable, CustomStringConvertible {
    enum Token: Equatable, Sendable {
        case literal(Character)
        case any
        case star
        /// A bracket set: ranges, negated with a leading `!`.
        case set([ClosedRange<Character>], negated: Bool)
    }

    public let description: String
    let tokens: [Token]

    public init(_ pattern: String) {
        description = pattern
        var tokens: [Token] = []
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if tokens.last != .star { tokens.append(.star) }
                i += 1
            case "?":
                tokens.append(.any)
                i += 1
            case "[":
                if let (set, next) = KeyGlob.parseSet(chars, from: i + 1) {
                    tokens.append(set)
                    i = next
                } else {
                    // An unclosed `[` is a literal, as in fnmatch.
                    tokens.append(.literal("["))
                    i += 1
                }
            default:
                tokens.append(.literal(c))
                i += 1
            }
        }
        self.tokens = tokens
    }

    /// Parses `[...]` starting after the `[`; returns the token and the index after `]`, or nil when unclosed.
    private static func parseSet(_ chars: [Character], from start: Int) -> (Token, Int)? {
        var i = start
        var negated = false
        if i < chars.count, chars[i] == "!" { negated = true; i += 1 }
        var ranges: [ClosedRange<Character>] = []
        var first = true
        while i < chars.count {
            let c = chars[i]
            // `]` right after `[` or `[!` is a member, not the end.
            if c == "]" && !first { return (.set(ranges, negated: negated), i + 1) }
            first = false
            if i + 2 < chars.count, chars[i + 1] == "-", chars[i + 2] != "]" {
                if c <= chars[i + 2] { ranges.append(c ... chars[i + 2]) }
                i += 3
            } else {
                ranges.append(c ... c)
                i += 1
            }
        }
        return nil
    }

    /// True when the whole key matches.
    public func matches(_ key: String) -> Bool {
        let s = Array(key)
        // Iterative wildcard matching with one backtrack point per star (linear-ish, no recursion blow-up).
        var p = 0, k = 0
        var starP = -1, starK = 0
        while k < s.count {
            if p < tokens.count, tokens[p] != .star, KeyGlob.matchOne(tokens[p], s[k]) {
                p += 1; k += 1
            } else if p < tokens.count, tokens[p] == .star {
                starP = p; starK = k; p += 1
            } else if starP >= 0 {
                starK += 1; k = starK; p = starP + 1
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .star { p += 1 }
        return p == tokens.count
    }

    private static func matchOne(_ t: Token, _ c: Character) -> Bool {
        switch t {
        case .literal(let l): return l == c
        case .any: return true
        case .star: return true
        case .set(let ranges, let negated): return ranges.contains { $0.contains(c) } != negated
        }
    }
}
