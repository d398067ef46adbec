import Foundation
import OrderedCollections

/// Renaming rules `REGEX=REPLACEMENT` (`--map-a`, `--map-b`, load-into's `--map`), applied in order,
/// each to the result of the previous one, every match replaced (as Python's `re.sub`).
///
/// The pattern is an `NSRegularExpression` (ICU syntax, close to Python's `re`). The replacement may name
/// groups as `$1` or `\1`; `\\` is a backslash and `\$` a dollar sign. The pattern ends at the first `=` that
/// is outside parentheses and brackets and not escaped, so lookarounds (`(?=…)`) keep their `=`.
/// Examples: `^module\.=` strips DataParallel's prefix; `^=model.` adds one; `layers\.(\d+)=blocks.\1`.
public struct KeyMap: Sendable {
    /// One rule.
    public struct Rule: Sendable {
        /// The rule as written (`^module\.=`).
        public let text: String
        public let pattern: String
        /// The replacement as written.
        public let replacement: String
        let regex: NSRegularExpression
        /// The replacement in NSRegularExpression's template syntax.
        let template: String

        /// Parses `REGEX=REPLACEMENT`; throws `KeyMapError` for a missing `=` or an invalid pattern.
        public init(_ text: String) throws {
            guard let eq = Rule.separator(in: text) else { throw KeyMapError.missingSeparator(rule: text) }
            self.text = text
            pattern = String(text[..<eq])
            replacement = String(text[text.index(after: eq)...])
            do {
                regex = try NSRegularExpression(pattern: pattern)
            } catch {
                throw KeyMapError.badPattern(rule: text, pattern: pattern)
            }
            template = Rule.template(from: replacement)
        }

        /// `key` with every match replaced.
        public func apply(_ key: String) -> String {
            regex.stringByReplacingMatches(in: key, range: NSRange(key.startIndex..., in: key), withTemplate: template)
        }

        static func separator(in text: String) -> String.Index? {
            var depth = 0, inClass = false, escaped = false
            for i in text.indices {
                let c = text[i]
                if escaped { escaped = false; continue }
                switch c {
                case "\\": escaped = true
                case "[" where !inClass: inClass = true
                case "]" where inClass: inClass = false
                case "(" where !inClass: depth += 1
                case ")" where !inClass: depth = max(0, depth - 1)
                case "=" where !inClass && depth == 0: return i
                default: break
                }
            }
            return nil
        }

        /// Python-style `\1` … `\99` become `$1`; `\\` and `\$` stay escapes; a lone `\` before anything else
        /// is kept literal.
        static func template(from replacement: String) -> String {
            var out = ""
            var chars = Array(replacement)[...]
            while let c = chars.popFirst() {
                guard c == "\\" else { out.append(c); continue }
                guard let next = chars.first else { out += "\\\\"; break }
                if next.isASCII, next.isNumber {
                    out.append("$")
                } else if next == "\\" || next == "$" {
                    out.append("\\")
                    out.append(chars.removeFirst())
                } else {
                    out += "\\\\"
                }
            }
            return out
        }
    }

    public let rules: [Rule]

    /// No rules: every key stays as it is.
    public init() { rules = [] }

    /// Parses the rules in order; throws `KeyMapError` for the first bad one.
    public init(_ rules: [String]) throws {
        self.rules = try rules.map(Rule.init)
    }

    /// True when there are no rules.
    public var isEmpty: Bool { rules.isEmpty }

    /// `key` after every rule in turn.
    public func apply(_ key: String) -> String {
        rules.reduce(key) { $1.apply($0) }
    }

    /// Renames every key, keeping order; throws `KeyMapError.collision` when two keys would become one.
    public func apply<S: Sequence>(toKeys keys: S) throws -> [String] where S.Element == String {
        var seen: [String: String] = [:]
        var out: [String] = []
        for key in keys {
            let new = apply(key)
            if let first = seen[new] { throw KeyMapError.collision(first: first, second: key, target: new) }
            seen[new] = key
            out.append(new)
        }
        return out
    }

    /// Renames the keys of an ordered map, keeping order; throws `KeyMapError.collision` when two keys would become one.
    public func apply<V>(to map: OrderedDictionary<String, V>) throws -> OrderedDictionary<String, V> {
        if isEmpty { return map }
        let renamed = try apply(toKeys: map.keys)
        return OrderedDictionary(uniqueKeysWithValues: zip(renamed, map.values))
    }

    /// The keys the rules change, as (from, to) pairs in order.
    public func renamed<S: Sequence>(_ keys: S) -> [(from: String, to: String)] where S.Element == String {
        keys.compactMap { k in
            let new = apply(k)
            return new == k ? nil : (k, new)
        }
    }
}

/// A bad `--map` rule or a renaming that would merge keys: an argument problem (exit status 2).
public enum KeyMapError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The rule has no `=` outside parentheses and brackets.
    case missingSeparator(rule: String)
    /// The rule's pattern (before the `=`) is not a valid regular expression.
    case badPattern(rule: String, pattern: String)
    /// Two keys, `first` and `second`, would both become `target`.
    case collision(first: String, second: String, target: String)

    public var description: String {
        switch self {
        case .missingSeparator(let rule): return "map rule '\(rule)' has no '=' (expected REGEX=REPLACEMENT)"
        case .badPattern(let rule, _): return "map rule '\(rule)': invalid regular expression"
        case .collision(let first, let second, let target): return "map rules rename both '\(first)' and '\(second)' to '\(target)'"
        }
    }
}
