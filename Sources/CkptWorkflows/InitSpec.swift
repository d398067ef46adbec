import CkptNN
import CkptTensor

/// A parsed `--init NAME[:ARGS]`: one of `torch.nn.init`'s functions with its arguments, positional
/// (`normal:0,0.01`) or by keyword (`kaiming_normal:mode=fan_out,nonlinearity=relu`).
public struct InitSpec: Sendable, Equatable {
    public var name: String
    public var positional: [String] = []
    public var keywords: [String: String] = [:]

    /// Parses and checks `text`; throws `ArgumentError` for an unknown function or a bad argument.
    public init(_ text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        name = parts.first ?? ""
        for arg in (parts.count > 1 ? parts[1] : "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !arg.isEmpty {
            let kv = arg.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { keywords[kv[0]] = kv[1] } else { positional.append(arg) }
        }
        _ = try makeInitializer()
    }

    private func number(_ index: Int, _ key: String, _ fallback: Double?) throws -> Double {
        let text = keywords[key] ?? (index < positional.count ? positional[index] : nil)
        guard let text else {
            guard let fallback else { throw ArgumentError.initializerNeeds(initializer: name, argument: key) }
            return fallback
        }
        if let v = Double(text) { return v }
        // A gain may be named by its nonlinearity (xavier_uniform:gain=relu), as calculate_gain('relu').
        if key == "gain", let g = try? Init.calculateGain(text) { return g }
        throw ArgumentError.initializerNotANumber(initializer: name, value: text)
    }

    private func string(_ key: String, _ fallback: String) -> String { keywords[key] ?? fallback }

    /// The function, its arguments bound.
    public func makeInitializer() throws -> (Tensor) throws -> Void {
        switch name {
        case "normal": let (m, s) = (try number(0, "mean", 0), try number(1, "std", 1)); return { Init.normal_($0, mean: m, std: s) }
        case "uniform": let (a, b) = (try number(0, "a", 0), try number(1, "b", 1)); return { Init.uniform_($0, a: a, b: b) }
        case "constant": let v = try number(0, "val", nil); return { Init.constant_($0, v) }
        case "zeros": return { Init.zeros_($0) }
        case "ones": return { Init.ones_($0) }
        case "eye": return { try Init.eye_($0) }
        case "dirac": let g = Int(try number(0, "groups", 1)); return { try Init.dirac_($0, groups: g) }
        case "xavier_uniform": let g = try number(0, "gain", 1); return { try Init.xavierUniform_($0, gain: g) }
        case "xavier_normal": let g = try number(0, "gain", 1); return { try Init.xavierNormal_($0, gain: g) }
        case "kaiming_uniform", "kaiming_normal":
            let a = try number(0, "a", 0), mode = string("mode", "fan_in"), nl = string("nonlinearity", "leaky_relu")
            if name == "kaiming_uniform" { return { try Init.kaimingUniform_($0, a: a, mode: mode, nonlinearity: nl) } }
            return { try Init.kaimingNormal_($0, a: a, mode: mode, nonlinearity: nl) }
        case "orthogonal": let g = try number(0, "gain", 1); return { try Init.orthogonal_($0, gain: g) }
        case "trunc_normal":
            let (m, s, a, b) = (try number(0, "mean", 0), try number(1, "std", 1), try number(2, "a", -2), try number(3, "b", 2))
            return { try Init.truncNormal_($0, mean: m, std: s, a: a, b: b) }
        default:
            throw ArgumentError.unknownInitializer(name)
        }
    }

    /// Weights of 2 or more dims get the initializer, biases zeros, in the order `apply` visits modules (as the
    /// tutorials' `net.apply(init_weights)`); a tensor shared by two modules is initialised once.
    public func apply(to module: Module) throws {
        let fill = try makeInitializer()
        var seen = Set<ObjectIdentifier>()
        try module.apply { m in
            for (name, p) in m.parameterSlots {
                guard let p, seen.insert(ObjectIdentifier(p)).inserted else { continue }
                if name.hasPrefix("weight"), p.rank >= 2 { try fill(p) } else if name.hasPrefix("bias") { Init.zeros_(p) }
            }
        }
    }
}
