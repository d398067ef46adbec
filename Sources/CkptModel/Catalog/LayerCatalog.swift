import CkptNN
import CkptTensor

/// The layers a model file may name, from their schemas: by PyTorch class name, and — for a class ckpt does not know
/// by name — by what its printout says. transformers and other libraries subclass torch layers without changing how
/// they print (`BartScaledWordEmbedding(100, 32, padding_idx=1)` is an `nn.Embedding`), so a printed class whose
/// arguments read exactly as one known layer's printout is built as that layer and keeps its printed name.
public struct LayerCatalog {
    /// Schemas by class name.
    public let schemas: [String: LayerSchema]
    /// Every schema, in the order they were given (candidates for matching by printout).
    public let all: [LayerSchema]

    public init(_ schemas: [LayerSchema]) {
        all = schemas
        self.schemas = Dictionary(schemas.map { ($0.name, $0) }) { first, _ in first }
    }

    /// Every layer ckpt implements.
    public static let standard = LayerCatalog(LayerSchema.standard)

    /// The schema of a class known by name. Classes that stand for a family (transformers' `…RMSNorm`) are matched
    /// only by their printout.
    public func schema(named name: String) -> LayerSchema? {
        guard let s = schemas[name], s.printedSuffix == nil else { return nil }
        return s
    }

    /// `spec`'s arguments bound to the schema that builds it, or nil for a class ckpt does not implement: a container
    /// of unknown class, or a leaf printing no arguments (`Swish()`: a module without parameters).
    public func arguments(for spec: ModuleSpec) throws -> LayerArguments? {
        if let schema = schema(named: spec.className) { return try bind(spec, to: schema) }
        guard !spec.isContainer, !(spec.args.isEmpty && spec.kwargs.isEmpty) else { return nil }
        // A family's members print their sizes in the forms their library wrote over the years (`LlamaRMSNorm(8)`,
        // `Qwen2RMSNorm((8,))`): any arguments that bind to the family's signature.
        if let family = all.first(where: { $0.printedSuffix.map(spec.className.hasSuffix) ?? false }) { return try bind(spec, to: family) }
        return try matchByPrintout(spec)
    }

    /// Builds `spec` if its class is known (by name or by printout), or returns nil.
    public func build(_ spec: ModuleSpec) throws -> Module? {
        guard let arguments = try arguments(for: spec) else { return nil }
        return try build(arguments, printedAt: spec)
    }

    /// Builds bound arguments; errors name `spec`'s line.
    public func build(_ arguments: LayerArguments, printedAt spec: ModuleSpec) throws -> Module {
        try onLine(spec) { try arguments.schema.build(arguments) }
    }

    private func bind(_ spec: ModuleSpec, to schema: LayerSchema) throws -> LayerArguments {
        var children: [String: LayerArguments] = [:]
        if schema.children == .built {
            for child in spec.children {
                guard case .module(let childSpec) = child.entry else { continue }
                guard let bound = try arguments(for: childSpec) else {
                    throw ModelFileError(line: child.line, "\(spec.className) child '\(child.name)': \(childSpec.className) is not a layer ckpt implements")
                }
                children[child.name] = bound
            }
        }
        return try onLine(spec) {
            try LayerArguments(schema, className: spec.className, args: spec.args, keywords: spec.kwargs, children: children)
        }
    }

    /// The one schema whose printout of the bound arguments reads exactly as `spec`'s; when several do, the ones
    /// whose name (or family suffix) ends the printed class name (`WhisperPositionalEmbedding(32, 32)` reads as
    /// Embedding, RNN or LSTM, and is an Embedding).
    private func matchByPrintout(_ spec: ModuleSpec) throws -> LayerArguments {
        let printed = Printed(args: spec.args, kwargs: spec.kwargs)
        var matches: [LayerArguments] = []
        for schema in all where schema.children == .built {
            guard let bound = try? LayerArguments(schema, className: spec.className, args: spec.args, keywords: spec.kwargs),
                  let module = try? EngineContext.with(\.isShapesOnly, true, { try schema.build(bound) }),
                  let parsed = try? ReprArguments.parse(module.extraRepr, line: spec.line, column: 1),
                  Printed(args: parsed.args, kwargs: parsed.kwargs) == printed else { continue }
            matches.append(bound)
        }
        if matches.count > 1 {
            let named = matches.filter { spec.className.hasSuffix($0.schema.printedSuffix ?? $0.schema.name) }
            if !named.isEmpty { matches = named }
        }
        guard matches.count == 1, let match = matches.first else {
            let what = "\(spec.className)(…) is not a layer ckpt knows"
            guard !matches.isEmpty else {
                throw ModelFileError(line: spec.line, "\(what), and no layer it knows prints these arguments: ckpt cannot tell its parameters; "
                                     + "write it as a container of Parameter lines or use a layer ckpt knows")
            }
            throw ModelFileError(line: spec.line, "\(what), and its arguments read as any of "
                                 + matches.map(\.schema.name).joined(separator: ", ") + ": write the one it is instead of \(spec.className)")
        }
        return match
    }

    /// Runs `body`, turning a layer's argument and construction errors into errors on `spec`'s line.
    private func onLine<T>(_ spec: ModuleSpec, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ArgumentError {
            throw ModelFileError(line: spec.line, error.description)
        } catch let error as NNError {
            throw ModelFileError(line: spec.line, error.description)
        } catch let error as TensorError {
            throw ModelFileError(line: spec.line, "\(spec.className)(): \(error)")
        }
    }
}

/// Printed arguments compared by value (keywords in any order).
private struct Printed: Equatable {
    let args: [ArgumentValue]
    let kwargs: [String: ArgumentValue]

    init(args: [ArgumentValue], kwargs: [(name: String, value: ArgumentValue)]) {
        self.args = args
        self.kwargs = Dictionary(kwargs.map { ($0.name, $0.value) }) { a, _ in a }
    }
}
