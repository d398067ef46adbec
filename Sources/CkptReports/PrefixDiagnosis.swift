/// Explains unmatched keys by the module prefixes that training wrappers add: when every key only on one
/// side is a key only on the other side with a known prefix added or removed, it names the wrapper and the
/// `KeyMap` rule that renames one side into the other's names.
///
/// Sides are called A and B here; diff passes its two files, load-into the checkpoint (A) and the model (B).
public struct PrefixDiagnosis: Sendable, Equatable {
    /// A prefix a wrapper adds to every key, and what adds it.
    public struct KnownPrefix: Sendable, Equatable {
        public let prefix: String
        public let cause: String
    }

    /// The prefixes recognised, in the order they are tried.
    public static let known: [KnownPrefix] = [
        KnownPrefix(prefix: "module.", cause: "DataParallel/DistributedDataParallel"),
        KnownPrefix(prefix: "_orig_mod.", cause: "torch.compile"),
        KnownPrefix(prefix: "_fsdp_wrapped_module.", cause: "FSDP"),
        KnownPrefix(prefix: "model.", cause: "a wrapper holding the network as `.model`, as in Lightning and Hugging Face"),
    ]

    /// The prefix A's unmatched keys have and B's lack ("" if none), possibly several (`_orig_mod.module.`).
    public let prefixA: String
    /// The prefix B's unmatched keys have and A's lack ("" if none).
    public let prefixB: String
    /// How many keys the rule pairs up.
    public let count: Int

    /// Diagnoses `onlyA` against `onlyB` (keys each side has and the other lacks); nil when no combination
    /// of known prefixes turns the one set exactly into the other.
    public static func diagnose(onlyA: [String], onlyB: [String]) -> PrefixDiagnosis? {
        guard !onlyA.isEmpty, onlyA.count == onlyB.count else { return nil }
        let chainA = commonChain(onlyA), chainB = commonChain(onlyB)
        var best: (Int, Int)?
        for i in 0...chainA.count {
            for j in 0...chainB.count where i + j > 0 {
                if let b = best, b.0 + b.1 <= i + j { continue }
                let pa = chainA.prefix(i).joined(), pb = chainB.prefix(j).joined()
                let strippedB = Set(onlyB.map { String($0.dropFirst(pb.count)) })
                let strippedA = Set(onlyA.map { String($0.dropFirst(pa.count)) })
                if strippedB.count == onlyB.count, strippedA == strippedB { best = (i, j) }
            }
        }
        guard let (i, j) = best else { return nil }
        return PrefixDiagnosis(prefixA: chainA.prefix(i).joined(), prefixB: chainB.prefix(j).joined(), count: onlyA.count)
    }

    /// The known prefixes every key starts with, outermost first (`["_orig_mod.", "module."]`).
    static func commonChain(_ keys: [String]) -> [String] {
        var chain: [String] = []
        var offset = 0
        while let next = known.first(where: { p in keys.allSatisfy { $0.dropFirst(offset).hasPrefix(p.prefix) } }) {
            // A key equal to its prefix chain would become empty: stop before that.
            guard keys.allSatisfy({ $0.count > offset + next.prefix.count }) else { break }
            chain.append(next.prefix)
            offset += next.prefix.count
        }
        return chain
    }

    /// The rule that renames A's keys into B's names (`^module\.=`, `^=model.`, `^module\.=model.`).
    public var ruleAToB: String { PrefixDiagnosis.rule(from: prefixA, to: prefixB) }
    /// The rule that renames B's keys into A's names.
    public var ruleBToA: String { PrefixDiagnosis.rule(from: prefixB, to: prefixA) }

    /// What added the prefixes, e.g. `module. (DataParallel/DistributedDataParallel)`.
    public var causes: [String] {
        PrefixDiagnosis.parts(prefixA).map { "\($0.prefix) (\($0.cause))" }
            + PrefixDiagnosis.parts(prefixB).map { "\($0.prefix) (\($0.cause))" }
    }

    /// A sentence for a report, naming the sides (`A`/`B`, `checkpoint`/`model`): `all 17 unmatched keys differ
    /// only by a prefix: A's keys start with 'module.' (DataParallel/DistributedDataParallel) and B's do not`.
    public func explanation(a: String, b: String) -> String {
        func describe(_ p: String) -> String {
            "'\(p)' (\(PrefixDiagnosis.parts(p).map(\.cause).joined(separator: ", ")))"
        }
        let what: String
        if !prefixA.isEmpty && !prefixB.isEmpty {
            what = "\(a)'s keys start with \(describe(prefixA)) where \(b)'s start with \(describe(prefixB))"
        } else if !prefixA.isEmpty {
            what = "\(a)'s keys start with \(describe(prefixA)) and \(b)'s do not"
        } else {
            what = "\(b)'s keys start with \(describe(prefixB)) and \(a)'s do not"
        }
        return "all \(count) unmatched keys differ only by a prefix: " + what
    }

    /// The known prefixes a chain is made of, outermost first.
    static func parts(_ chain: String) -> [KnownPrefix] {
        var out: [KnownPrefix] = []
        var rest = Substring(chain)
        while let k = known.first(where: { rest.hasPrefix($0.prefix) }) {
            out.append(k)
            rest = rest.dropFirst(k.prefix.count)
        }
        return out
    }

    static func rule(from: String, to: String) -> String {
        "^" + escape(from) + "=" + to
    }

    /// Escapes regex metacharacters (prefixes are identifiers and dots, but be safe).
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
