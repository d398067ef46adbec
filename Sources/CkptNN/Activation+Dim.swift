import CkptTensor

// Activations that work along a dimension: PReLU (one slope per channel), GLU, Softmin, Softmax2d.

/// `nn.PReLU(num_parameters=1, init=0.25)`: `x > 0 ? x : a·x` with a learnt slope `weight` of `[num_parameters]`,
/// one per channel (dim 1) when there is more than one. PyTorch prints only `num_parameters`.
public final class PReLU: UnaryModule {
    public let numParameters: Int

    public init(numParameters: Int = 1, initialValue: Double = 0.25) {
        self.numParameters = numParameters
        super.init()
        registerParameter("weight", Tensor.full([numParameters], Float(initialValue)))
    }

    public override var extraRepr: String { "num_parameters=\(numParameters)" }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard let w = parameter("weight") else { throw NNError.invalidArgument("PReLU has no weight") }
        var slope = w
        if w.numel != 1 {
            let channels = x.rank > 1 ? x.shape[1] : 1
            guard channels == w.numel else {
                throw NNError.invalidArgument("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                                              + "\(w.numel) and channel size = \(channels).")
            }
            slope = try w.reshape([1, channels] + Array(repeating: 1, count: x.rank - 2))
        } else if x.rank == 0 {
            slope = try w.reshape([])
        }
        // x − relu(x) is min(x, 0) exactly, and its derivative at 0 is 1, so x = 0 takes the slope's gradient as
        // PyTorch's `x > 0 ? g : a·g` does.
        let positive = x.relu()
        return try positive + slope * (x - positive)
    }
}

/// `nn.GLU(dim=-1)`: the input halved along `dim` into `a, b`, then `a·σ(b)`.
public final class GLU: UnaryModule {
    public let dim: Int
    public init(dim: Int = -1) { self.dim = dim; super.init() }
    public override var extraRepr: String { "dim=\(dim)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank > 0 else { throw NNError.invalidArgument("glu does not support scalars because halving size must be even") }
        let d = try x.normalizeDim(dim)
        guard x.shape[d] % 2 == 0 else {
            throw NNError.invalidArgument("Halving dimension must be even, but dimension \(d) is size \(x.shape[d])")
        }
        let halves = try x.chunk(2, dim: d)
        return try halves[0] * halves[1].sigmoid()
    }
}

/// `nn.Softmin(dim=None)`: `softmax(−x)`; `dim=None` picks PyTorch's legacy implicit dim, as `Softmax` does.
public final class Softmin: UnaryModule {
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    public override var extraRepr: String { "dim=\(dim.map(String.init) ?? "None")" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.negated().softmax(dim: dim ?? Softmax.legacyDim(x.rank)) }
}

/// `nn.Softmax2d()`: softmax over the channels of a `(C, H, W)` or `(N, C, H, W)` input.
public final class Softmax2d: UnaryModule {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3 || x.rank == 4 else {
            throw NNError.invalidArgument("Softmax2d: expected input to be 3D or 4D, got \(x.rank)D instead")
        }
        return try x.softmax(dim: -3)
    }
}
