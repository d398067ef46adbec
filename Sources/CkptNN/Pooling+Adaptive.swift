import CkptTensor

/// `nn.AdaptiveAvgPool1d/3d(output_size)` and `nn.AdaptiveMaxPool1d/2d/3d(output_size, return_indices=False)`
/// (and `AdaptiveAvgPool2d` when its size holds a None). A None in `output_size` keeps that input dim's size,
/// as PyTorch's `_list_with_default`. The size prints back as given (`output_size=3`, `output_size=(2, None, 3)`);
/// `return_indices` is not printed, as in PyTorch. With `return_indices`, forward returns `(output, indices)`.
public final class AdaptivePool: Module {
    public enum Kind: String, Sendable { case avg = "Avg", max = "Max" }

    public let kind: Kind
    public let dims: Int
    /// The sizes as given; nil entries are None.
    public let outputSize: [Int?]
    /// Whether `output_size` was one value rather than a tuple.
    public let isScalar: Bool
    public let returnIndices: Bool

    public init(_ kind: Kind, dims: Int, outputSize: [Int?], isScalar: Bool, returnIndices: Bool = false) throws {
        guard (1 ... 3).contains(dims) else { throw NNError.invalidArgument("adaptive pooling is 1-, 2- or 3-d, not \(dims)-d") }
        guard isScalar ? outputSize.count == 1 : (outputSize.count == dims || outputSize.count == 1) else {
            throw NNError.invalidArgument("Adaptive\(kind.rawValue)Pool\(dims)d: output_size must have \(dims) elements, got \(outputSize.count)")
        }
        guard outputSize.allSatisfy({ ($0 ?? 0) >= 0 }) else {
            throw NNError.invalidArgument("Adaptive\(kind.rawValue)Pool\(dims)d: output_size must not be negative")
        }
        guard kind == .max || !returnIndices else { throw NNError.invalidArgument("average pooling has no indices") }
        self.kind = kind; self.dims = dims; self.outputSize = outputSize; self.isScalar = isScalar; self.returnIndices = returnIndices
        super.init()
    }

    public override var typeName: String { "Adaptive\(kind.rawValue)Pool\(dims)d" }

    public override var extraRepr: String {
        let items = outputSize.map { $0.map(String.init) ?? "None" }
        if isScalar { return "output_size=\(items[0])" }
        return "output_size=(" + items.joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
    }

    public override var forwardParameterNames: [String] { ["input"] }

    /// The output size for `x`: each None replaced by the input's size there.
    public func resolvedSize(for x: Tensor) throws -> [Int] {
        guard x.rank == dims + 1 || x.rank == dims + 2 else {
            throw NNError.invalidArgument("\(typeName): Expected \(dims + 1)D or \(dims + 2)D input, but got \(x.shape)")
        }
        let spatial = Array(x.shape.suffix(dims))
        let sizes = outputSize.count == 1 ? Array(repeating: outputSize[0], count: dims) : outputSize
        return zip(sizes, spatial).map { $0 ?? $1 }
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 1 else { throw NNError.invalidArgument("\(typeName).forward() takes 1 input, got \(args.count)") }
        let x = try args[0].asTensor("\(typeName) input")
        let size = try resolvedSize(for: x)
        switch (kind, dims) {
        case (.avg, 1): return .tensor(try x.adaptiveAvgPool1d(outputSize: size[0]))
        case (.avg, 2): return .tensor(try x.adaptiveAvgPool2d(outputSize: size))
        case (.avg, _): return .tensor(try x.adaptiveAvgPool3d(outputSize: size))
        case (.max, _):
            let r: (output: Tensor, indices: Tensor)
            switch dims {
            case 1: r = try x.adaptiveMaxPool1dWithIndices(outputSize: size[0])
            case 2: r = try x.adaptiveMaxPool2dWithIndices(outputSize: size)
            default: r = try x.adaptiveMaxPool3dWithIndices(outputSize: size)
            }
            return returnIndices ? .tuple([.tensor(r.output), .tensor(r.indices)]) : .tensor(r.output)
        }
    }
}
