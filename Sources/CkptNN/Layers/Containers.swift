import CkptTensor

// The containers: the printed children are added to them, in order.

/// `nn.Sequential`: children run in order; keys `0`, `1`, … or the names given to `addModule` (`block 0`).
public final class Sequential: Module {
    public static let schema = LayerSchema("Sequential", "*args", children: .printed) { _ in Sequential() }

    public init(_ modules: [Module] = []) {
        super.init()
        for m in modules { append(m) }
    }

    /// Adds `module` under the next index.
    public func append(_ module: Module) { addModule(String(childSlots.count), module) }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        var value = args.count == 1 ? args[0] : .tuple(args)
        for (_, child) in namedChildren() { value = try child.call([value]) }
        return value
    }
}

/// `nn.ModuleList`: an indexed list of registered modules (no forward of its own).
public final class ModuleList: Module {
    public static let schema = LayerSchema("ModuleList", "*args", children: .printed) { _ in ModuleList() }

    public init(_ modules: [Module] = []) {
        super.init()
        for m in modules { append(m) }
    }

    public func append(_ module: Module) { addModule(String(childSlots.count), module) }

    /// PyTorch 2 folds runs of identical children: `(0-3): 4 x Linear(…)`.
    public override func repr() -> String {
        let reprs = namedChildren().map { $0.1.repr() }
        guard !reprs.isEmpty else { return typeName + "()" }
        var lines: [String] = []
        var start = 0
        while start < reprs.count {
            var end = start
            while end + 1 < reprs.count, reprs[end + 1] == reprs[start] { end += 1 }
            let line = start == end ? "(\(start)): \(reprs[start])" : "(\(start)-\(end)): \(end - start + 1) x \(reprs[start])"
            lines.append(Module.addIndent(line, 2))
            start = end + 1
        }
        return typeName + "(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }
}

/// `nn.ModuleDict`: registered modules by name, in insertion order.
public final class ModuleDict: Module {
    public static let schema = LayerSchema("ModuleDict", "*args", children: .printed) { _ in ModuleDict() }

    public init(_ modules: [(String, Module)] = []) {
        super.init()
        for (name, m) in modules { addModule(name, m) }
    }
}

/// `nn.ParameterList`: parameters registered as `0`, `1`, ….
public final class ParameterList: Module {
    public static let schema = LayerSchema("ParameterList", "*args", children: .printed) { _ in ParameterList() }

    public init(_ parameters: [Tensor] = []) {
        super.init()
        for p in parameters { append(p) }
    }

    public func append(_ parameter: Tensor) { registerParameter(String(parameterSlots.count), parameter) }

    public override var extraRepr: String {
        parameterSlots.compactMap { name, p in
            p.map { "  " + Module.parameterLine(name, typeName: $0.dtype.torchName, shape: $0.shape) }
        }.joined(separator: "\n")
    }
}

/// `nn.ParameterDict`: parameters by name; prints legacy type names (`torch.FloatTensor`) as PyTorch does.
public final class ParameterDict: Module {
    public static let schema = LayerSchema("ParameterDict", "*args", children: .printed) { _ in ParameterDict() }

    public init(_ parameters: [(String, Tensor)] = []) {
        super.init()
        for (name, p) in parameters { registerParameter(name, p) }
    }

    public override var extraRepr: String {
        parameterSlots.compactMap { name, p in
            p.map { "  " + Module.parameterLine(name, typeName: ParameterDict.legacyTypeName($0.dtype), shape: $0.shape) }
        }.joined(separator: "\n")
    }

    static func legacyTypeName(_ dtype: CkptCore.DType) -> String {
        switch dtype {
        case .float64: return "torch.DoubleTensor"
        case .float16: return "torch.HalfTensor"
        case .bfloat16: return "torch.BFloat16Tensor"
        case .int64: return "torch.LongTensor"
        case .int32: return "torch.IntTensor"
        case .bool: return "torch.BoolTensor"
        case .uint8: return "torch.ByteTensor"
        default: return "torch.FloatTensor"
        }
    }
}

import CkptCore

extension LayerSchema {
    /// The containers.
    static let containers: [LayerSchema] = [Sequential.schema, ModuleList.schema, ModuleDict.schema, ParameterList.schema, ParameterDict.schema]
}
