import CkptTensor
import Foundation

// Affine maps and reshapes: Linear (and the class MultiheadAttention prints for its out_proj), Bilinear, Identity,
// Flatten, Unflatten.

/// `nn.Linear(in_features, out_features, bias=True)`: `y = x Wᵀ + b`, weight `[out, in]`.
public class Linear: UnaryModule {
    public static let schema = LayerSchema("Linear", "in_features, out_features, bias=True, device=None, dtype=None",
                                           repr: "in_features={in_features}, out_features={out_features}, bias={bias}",
                                           attributes: Linear.attributes) { a in
        Linear(try a["in_features"], try a["out_features"], bias: try a["bias"])
    }

    static func attributes(_ m: Linear) -> [String: any ArgumentConvertible] {
        ["in_features": m.inFeatures, "out_features": m.outFeatures, "bias": m.bias != nil]
    }

    public let inFeatures: Int
    public let outFeatures: Int

    /// PyTorch's default initialisation: weight and bias uniform in ±1/√in_features.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        registerDefaultWeights([outFeatures, inFeatures], fanIn: inFeatures, bias: bias ? outFeatures : nil)
    }

    public var weight: Tensor? { parameter("weight") }
    public var bias: Tensor? { parameter("bias") }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = weight else { throw NNError.invalidArgument("Linear has no weight") }
        guard x.shape.last == inFeatures else {
            throw NNError.invalidArgument("mat1 and mat2 shapes cannot be multiplied (\(x.shape.dropLast().reduce(1, *))x\(x.shape.last ?? 0) and \(inFeatures)x\(outFeatures))")
        }
        return try x.linear(weight: w, bias: bias)
    }
}

/// The Linear PyTorch's MultiheadAttention uses for `out_proj`: the same layer under its own class name.
public final class NonDynamicallyQuantizableLinear: Linear {
    public static let quantizableSchema = LayerSchema("NonDynamicallyQuantizableLinear", Linear.schema.signature.description,
                                                      repr: "in_features={in_features}, out_features={out_features}, bias={bias}",
                                                      attributes: { (m: NonDynamicallyQuantizableLinear) in Linear.attributes(m) }) { a in
        NonDynamicallyQuantizableLinear(try a["in_features"], try a["out_features"], bias: try a["bias"])
    }
}

/// `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: `y = x1ᵀ A x2 + b`, weight
/// `[out, in1, in2]`, init uniform ±1/√in1_features. Forward takes two tensors `[…, in1]`, `[…, in2]`.
public final class Bilinear: Module {
    public static let schema = LayerSchema("Bilinear", "in1_features, in2_features, out_features, bias=True, device=None, dtype=None",
                                           repr: "in1_features={in1_features}, in2_features={in2_features}, out_features={out_features}, bias={bias}",
                                           attributes: { (m: Bilinear) in
        ["in1_features": m.in1Features, "in2_features": m.in2Features, "out_features": m.outFeatures, "bias": m.parameter("bias") != nil]
    }) { a in Bilinear(try a["in1_features"], try a["in2_features"], try a["out_features"], bias: try a["bias"]) }

    public let in1Features: Int
    public let in2Features: Int
    public let outFeatures: Int

    public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true) {
        self.in1Features = in1Features; self.in2Features = in2Features; self.outFeatures = outFeatures
        super.init()
        registerDefaultWeights([outFeatures, in1Features, in2Features], fanIn: in1Features, bias: bias ? outFeatures : nil)
    }

    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("Bilinear has no weight") }
        guard x1.shape.last == in1Features, x2.shape.last == in2Features, x1.shape.dropLast() == x2.shape.dropLast() else {
            throw NNError.invalidArgument("Bilinear: input shapes \(x1.shape) and \(x2.shape) don't match (\(in1Features), \(in2Features))")
        }
        let lead = Array(x1.shape.dropLast())
        let n = lead.reduce(1, *)
        // x1 [n, in1] @ W as [in1, out·in2] → [n, out, in2], times x2 [n, 1, in2], summed over in2.
        let wFlat = try w.permute([1, 0, 2]).reshape([in1Features, outFeatures * in2Features])
        let left = try x1.reshape([n, in1Features]).matmul(wFlat).reshape([n, outFeatures, in2Features])
        var y = try (left * x2.reshape([n, 1, in2Features])).sum(dim: 2)
        if let b = parameter("bias") { y = try y + b }
        return try y.reshape(lead + [outFeatures])
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 2 else { throw NNError.invalidArgument("Bilinear.forward() takes 2 inputs, got \(args.count)") }
        return .tensor(try self(try args[0].asTensor("input1"), try args[1].asTensor("input2")))
    }
}

/// `nn.Identity()`.
public final class Identity: UnaryModule {
    public static let schema = LayerSchema("Identity", "*args") { _ in Identity() }
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x }
}

/// `nn.Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: UnaryModule {
    public static let schema = LayerSchema("Flatten", "start_dim=1, end_dim=-1", repr: "start_dim={start_dim}, end_dim={end_dim}",
                                           attributes: { (m: Flatten) in ["start_dim": m.startDim, "end_dim": m.endDim] }) { a in
        Flatten(startDim: try a["start_dim"], endDim: try a["end_dim"])
    }
    public let startDim: Int
    public let endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) { self.startDim = startDim; self.endDim = endDim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flatten(startDim: startDim, endDim: endDim) }
}

/// `nn.Unflatten(dim, unflattened_size)`.
public final class Unflatten: UnaryModule {
    public static let schema = LayerSchema("Unflatten", "dim, unflattened_size", repr: "dim={dim}, unflattened_size={unflattened_size}",
                                           attributes: { (m: Unflatten) in ["dim": m.dim, "unflattened_size": m.unflattenedSize] }) { a in
        Unflatten(dim: try a["dim"], unflattenedSize: try a["unflattened_size"])
    }
    public let dim: Int
    public let unflattenedSize: [Int]
    public init(dim: Int, unflattenedSize: [Int]) { self.dim = dim; self.unflattenedSize = unflattenedSize; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let d = try x.normalizeDim(dim)
        var sizes = unflattenedSize
        // One -1 is inferred, as in `Tensor.unflatten`.
        if let hole = sizes.firstIndex(of: -1) {
            let known = sizes.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            guard known > 0, x.shape[d] % known == 0 else {
                throw NNError.invalidArgument("unflatten: sizes \(unflattenedSize) don't multiply up to \(x.shape[d])")
            }
            sizes[hole] = x.shape[d] / known
        }
        guard sizes.reduce(1, *) == x.shape[d], sizes.allSatisfy({ $0 >= 0 }) else {
            throw NNError.invalidArgument("unflatten: Provided sizes \(unflattenedSize) don't multiply up to the size of dim \(dim) (\(x.shape[d])) in the input tensor")
        }
        return try x.reshape(Array(x.shape[..<d]) + sizes + Array(x.shape[(d + 1)...]))
    }
}

extension LayerSchema {
    /// The affine maps and reshapes.
    static let linear: [LayerSchema] = [Linear.schema, NonDynamicallyQuantizableLinear.quantizableSchema, Bilinear.schema, Identity.schema, Flatten.schema, Unflatten.schema]
}
