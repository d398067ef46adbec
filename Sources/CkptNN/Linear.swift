import CkptTensor
import Foundation

/// `nn.Linear(in_features, out_features, bias=True)`: `y = x Wᵀ + b`, weight `[out, in]`.
public class Linear: UnaryModule {
    public let inFeatures: Int
    public let outFeatures: Int

    /// PyTorch's default initialisation: weight and bias uniform in ±1/√in_features (kaiming_uniform with a=√5).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let bound = inFeatures > 0 ? Float(1 / Double(inFeatures).squareRoot()) : 0
        registerParameter("weight", Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound))
        registerParameter("bias", bias ? Tensor.uniform([outFeatures], low: -bound, high: bound) : nil)
    }

    public var weight: Tensor? { parameter("weight") }
    public var bias: Tensor? { parameter("bias") }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True")"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = weight else { throw NNError.invalidArgument("Linear has no weight") }
        guard x.shape.last == inFeatures else {
            throw NNError.invalidArgument("mat1 and mat2 shapes cannot be multiplied (\(x.shape.dropLast().reduce(1, *))x\(x.shape.last ?? 0) and \(inFeatures)x\(outFeatures))")
        }
        return try x.linear(weight: w, bias: bias)
    }
}

/// `nn.Identity()`.
public final class Identity: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x }
}

/// `nn.Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: UnaryModule {
    public let startDim: Int
    public let endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) { self.startDim = startDim; self.endDim = endDim; super.init() }
    public override var extraRepr: String { "start_dim=\(startDim), end_dim=\(endDim)" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flatten(startDim: startDim, endDim: endDim) }
}
