import CkptTensor
import Foundation

/// `torch.nn.init`: in-place initialisers with PyTorch's formulas (values come from ckpt's seeded generator, not
/// PyTorch's, so they match in distribution, not bit for bit).
public enum Init {
    /// `calculate_gain(nonlinearity, param)`.
    public static func calculateGain(_ nonlinearity: String, param: Double? = nil) throws -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid": return 1
        case "tanh": return 5.0 / 3
        case "relu": return 2.0.squareRoot()
        case "leaky_relu": let slope = param ?? 0.01; return (2 / (1 + slope * slope)).squareRoot()
        case "selu": return 3.0 / 4
        default: throw NNError.invalidArgument("Unsupported nonlinearity \(nonlinearity)")
        }
    }

    /// `(fan_in, fan_out)` of a weight: `size(1) * receptive field`, `size(0) * receptive field`.
    public static func fans(_ t: Tensor) throws -> (fanIn: Int, fanOut: Int) {
        guard t.rank >= 2 else { throw NNError.invalidArgument("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions") }
        let receptive = t.shape.dropFirst(2).reduce(1, *)
        return (t.shape[1] * receptive, t.shape[0] * receptive)
    }

    public static func uniform_(_ t: Tensor, a: Double = 0, b: Double = 1, generator: Generator = .default) {
        t.uniform_(low: Float(a), high: Float(b), generator: generator)
    }

    public static func normal_(_ t: Tensor, mean: Double = 0, std: Double = 1, generator: Generator = .default) {
        t.normal_(mean: Float(mean), std: Float(std), generator: generator)
    }

    public static func constant_(_ t: Tensor, _ value: Double) { t.fill_(Float(value)) }
    public static func zeros_(_ t: Tensor) { t.fill_(0) }
    public static func ones_(_ t: Tensor) { t.fill_(1) }

    /// `eye_`: the identity in a 2-D tensor.
    public static func eye_(_ t: Tensor) throws {
        guard t.rank == 2 else { throw NNError.invalidArgument("Only tensors with 2 dimensions are supported") }
        t.fill_(0)
        for i in 0 ..< min(t.shape[0], t.shape[1]) { t.buffer[i * t.shape[1] + i] = 1 }
    }

    /// `dirac_`: identity convolution kernels (3-, 4- or 5-d), `groups` blocks.
    public static func dirac_(_ t: Tensor, groups: Int = 1) throws {
        guard (3 ... 5).contains(t.rank) else { throw NNError.invalidArgument("Only tensors with 3, 4, or 5 dimensions are supported") }
        guard groups > 0, t.shape[0] % groups == 0 else { throw NNError.invalidArgument("dim 0 must be divisible by groups") }
        t.fill_(0)
        let outPerGroup = t.shape[0] / groups
        let minDim = min(outPerGroup, t.shape[1])
        let spatial = Array(t.shape.dropFirst(2))
        let strides = t.strides
        for g in 0 ..< groups {
            for d in 0 ..< minDim {
                var offset = (g * outPerGroup + d) * strides[0] + d * strides[1]
                for (k, size) in spatial.enumerated() { offset += (size / 2) * strides[k + 2] }
                t.buffer[offset] = 1
            }
        }
    }

    public static func xavierUniform_(_ t: Tensor, gain: Double = 1, generator: Generator = .default) throws {
        let (fanIn, fanOut) = try fans(t)
        let a = gain * (2 / Double(fanIn + fanOut)).squareRoot() * 3.0.squareRoot()
        uniform_(t, a: -a, b: a, generator: generator)
    }

    public static func xavierNormal_(_ t: Tensor, gain: Double = 1, generator: Generator = .default) throws {
        let (fanIn, fanOut) = try fans(t)
        normal_(t, mean: 0, std: gain * (2 / Double(fanIn + fanOut)).squareRoot(), generator: generator)
    }

    private static func kaimingStd(_ t: Tensor, a: Double, mode: String, nonlinearity: String) throws -> Double {
        let (fanIn, fanOut) = try fans(t)
        guard mode == "fan_in" || mode == "fan_out" else { throw NNError.invalidArgument("Mode \(mode) not supported, please use one of fan_in, fan_out") }
        let fan = mode == "fan_in" ? fanIn : fanOut
        return try calculateGain(nonlinearity, param: a) / Double(max(fan, 1)).squareRoot()
    }

    public static func kaimingUniform_(_ t: Tensor, a: Double = 0, mode: String = "fan_in", nonlinearity: String = "leaky_relu",
                                       generator: Generator = .default) throws {
        let bound = 3.0.squareRoot() * (try kaimingStd(t, a: a, mode: mode, nonlinearity: nonlinearity))
        uniform_(t, a: -bound, b: bound, generator: generator)
    }

    public static func kaimingNormal_(_ t: Tensor, a: Double = 0, mode: String = "fan_in", nonlinearity: String = "leaky_relu",
                                      generator: Generator = .default) throws {
        normal_(t, mean: 0, std: try kaimingStd(t, a: a, mode: mode, nonlinearity: nonlinearity), generator: generator)
    }

    /// `trunc_normal_`: normal values redrawn until inside `[a, b]`.
    public static func truncNormal_(_ t: Tensor, mean: Double = 0, std: Double = 1, a: Double = -2, b: Double = 2,
                                    generator: Generator = .default) throws {
        guard a < b, mean + 6 * std > a, mean - 6 * std < b else { throw NNError.invalidArgument("trunc_normal_: [a, b] is too far from the mean") }
        let one = Tensor.zeros([1])
        for i in 0 ..< t.numel {
            var v: Float
            repeat { one.normal_(mean: Float(mean), std: Float(std), generator: generator); v = one.buffer[0] }
            while Double(v) < a || Double(v) > b
            t.buffer[i] = v
        }
    }

    /// `orthogonal_`: a (semi-)orthogonal matrix from the QR decomposition of a normal matrix, signs fixed so
    /// the result is uniformly distributed, as PyTorch does; tensors of more dims are flattened to 2-d.
    public static func orthogonal_(_ t: Tensor, gain: Double = 1, generator: Generator = .default) throws {
        guard t.rank >= 2 else { throw NNError.invalidArgument("Only tensors with 2 or more dimensions are supported") }
        let rows = t.shape[0], cols = t.numel / max(rows, 1)
        guard rows > 0, cols > 0 else { return }
        let (m, n) = rows < cols ? (cols, rows) : (rows, cols)   // factor the tall orientation
        let flat = Tensor.zeros([m * n])
        flat.normal_(mean: 0, std: 1, generator: generator)
        var a = (0 ..< m * n).map { Double(flat.buffer[$0]) }   // m × n row-major
        var q = [Double](repeating: 0, count: m * n)
        // Modified Gram-Schmidt: q's columns orthonormal, r's diagonal signs applied.
        for j in 0 ..< n {
            for k in 0 ..< j {
                var dot = 0.0
                for i in 0 ..< m { dot += q[i * n + k] * a[i * n + j] }
                for i in 0 ..< m { a[i * n + j] -= dot * q[i * n + k] }
            }
            var norm = 0.0
            for i in 0 ..< m { norm += a[i * n + j] * a[i * n + j] }
            norm = norm.squareRoot()
            // r_jj = norm > 0, so the sign correction d = sign(r_jj) is +1.
            for i in 0 ..< m { q[i * n + j] = norm > 0 ? a[i * n + j] / norm : 0 }
        }
        for r in 0 ..< rows {
            for c in 0 ..< cols {
                let v = rows < cols ? q[c * n + r] : q[r * n + c]
                t.buffer[r * cols + c] = Float(gain * v)
            }
        }
    }
}

extension Module {
    /// PyTorch's default initialisation of a linear or convolution layer (`reset_parameters`): `weight` uniform in
    /// ±1/√fan_in (kaiming_uniform with a = √5 comes to that) and, when `bias` gives its size, `bias` uniform in the
    /// same range; `bias` nil registers None.
    func registerDefaultWeights(_ shape: [Int], fanIn: Int, bias: Int?) {
        let bound = fanIn > 0 ? Float(1 / Double(fanIn).squareRoot()) : 0
        registerParameter("weight", Tensor.uniform(shape, low: -bound, high: bound))
        registerParameter("bias", bias.map { Tensor.uniform([$0], low: -bound, high: bound) })
    }
}
