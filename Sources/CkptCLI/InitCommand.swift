import ArgumentParser
import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import Foundation
import OrderedCollections

/// `ckpt init MODEL -o OUT`: a freshly initialised state_dict.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a freshly initialised state_dict for a model (PyTorch's default initialisation, or one of torch.nn.init's).",
        discussion: """
            --init applies a torch.nn.init function to every weight of 2 or more dims (Linear, Conv, Embedding, \
            recurrent weights) and zeroes every bias, as the classic tutorials' net.apply(init_weights) does: \
            normal:MEAN,STD  uniform:A,B  constant:VAL  zeros  ones  eye  dirac  xavier_uniform[:GAIN]  \
            xavier_normal[:GAIN]  kaiming_uniform[:A]  kaiming_normal[:A]  orthogonal[:GAIN]  trunc_normal:MEAN,STD,A,B; \
            keyword arguments work too (kaiming_normal:mode=fan_out,nonlinearity=relu; xavier_uniform:gain=relu). \
            Values come from ckpt's seeded generator: the same distributions as PyTorch, not the same numbers.
            """)

    @Argument(help: "The model file.") var model: String
    @Option(name: .short, help: ArgumentHelp("Where to write the state_dict.", valueName: "out")) var output: String
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(name: .customLong("init"), help: ArgumentHelp("A torch.nn.init function for the weights.", valueName: "name[:args]"))
    var initializer: String?

    func run() throws {
        try CLI.guarded {
            Generator.default.manualSeed(seed)
            let module = try ModelSupport.model(model)
            if let spec = initializer { try InitSpec(spec).apply(to: module) }
            guard let format = CheckpointFormat.forWriting(path: output) else {
                throw PathError(path: output, message: "cannot tell the format from the extension (.pt .h5 .safetensors .npz)")
            }
            try Checkpoint.write(StateDict(tensors: try module.stateDictEntries()), to: output, format: format)
        }
    }
}

/// A parsed `--init NAME[:ARGS]`.
struct InitSpec {
    var name: String
    var positional: [String] = []
    var keywords: [String: String] = [:]

    init(_ text: String) throws {
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
            guard let fallback else { throw ValidationError("--init \(name) needs \(key)") }
            return fallback
        }
        if let v = Double(text) { return v }
        // A gain may be named by its nonlinearity (xavier_uniform:gain=relu), as calculate_gain('relu').
        if key == "gain", let g = try? Init.calculateGain(text) { return g }
        throw ValidationError("--init \(name): '\(text)' is not a number")
    }

    private func string(_ key: String, _ fallback: String) -> String { keywords[key] ?? fallback }

    func makeInitializer() throws -> (Tensor) throws -> Void {
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
            throw ValidationError("unknown --init '\(name)' (normal uniform constant zeros ones eye dirac xavier_uniform xavier_normal kaiming_uniform kaiming_normal orthogonal trunc_normal)")
        }
    }

    /// Weights of 2 or more dims get the initializer, biases zeros, in the order `apply` visits modules.
    func apply(to module: Module) throws {
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
