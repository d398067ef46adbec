import Foundation

/// `interpolate` / `Upsample` modes this engine implements.
public enum InterpolateMode: String, Sendable, CaseIterable {
    case nearest
    case nearestExact = "nearest-exact"
    /// `linear`, `bilinear` or `trilinear` by the number of spatial dims.
    case linear
    /// Adaptive average pooling to the output size (`Tensor.interpolate` routes it there; the resampling
    /// kernel refuses it).
    case area
}

/// Resampling of the last 1 to 3 dims of `[planes, spatial…]`, with PyTorch's source-index rules
/// (`area_pixel_compute_source_index`, `nearest_idx`), computed in Float as PyTorch does for float input.
struct InterpolateGeometry: Equatable, Sendable {
    /// Independent planes (`batch · channels`).
    let planes: Int
    /// Spatial input size.
    let inputSize: [Int]
    /// Spatial output size.
    let outputSize: [Int]
    /// Nearest, nearest-exact or (bi/tri)linear.
    let mode: InterpolateMode
    /// Linear modes: map corner pixel centres onto each other.
    let alignCorners: Bool
    /// The user's scale factors when given (and not recomputed): they set the source step `1 / scale`.
    let scales: [Double]?

    /// Exactly one of `size` and `scaleFactor`; `alignCorners` only for `.linear`.
    init(planes: Int, inputSize: [Int], size: [Int]? = nil, scaleFactor: [Double]? = nil,
         mode: InterpolateMode, alignCorners: Bool? = nil,
         recomputeScaleFactor: Bool = false) throws(KernelError) {
        let dims = inputSize.count
        guard (1...3).contains(dims) else {
            throw .spatialDims(op: "interpolate", dims: dims)
        }
        guard mode != .area else {
            throw .invalidArgument("area interpolation is adaptive average pooling, not a resampling kernel")
        }
        if alignCorners != nil && mode != .linear {
            throw .invalidArgument("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        }
        try checkDims(inputSize, count: dims, minimum: 1, "input size")
        var output: [Int]
        var scales: [Double]?
        switch (size, scaleFactor) {
        case (let size?, nil):
            try checkDims(size, count: dims, minimum: 1, "size")
            output = size
        case (nil, let factors?):
            guard factors.count == dims, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw .invalidArgument("scale_factor must be \(dims) positive finite values, got \(factors)")
            }
            let sizes = zip(inputSize, factors).map { (Double($0) * $1).rounded(.down) }
            guard sizes.allSatisfy({ $0 >= 1 && $0 <= Double(kernelElementLimit) }) else {
                throw .invalidArgument("interpolate output size \(sizes) is empty or too large")
            }
            output = sizes.map { Int($0) }
            scales = recomputeScaleFactor ? nil : factors
        default:
            throw .invalidArgument("only one of size or scale_factor should be defined")
        }
        _ = try checkedProduct([planes] + output, "interpolate output")
        _ = try checkedProduct(output, "interpolate output plane")
        _ = try checkedProduct(inputSize, "interpolate input plane")
        self.planes = planes; self.inputSize = inputSize; self.outputSize = output; self.mode = mode
        self.alignCorners = alignCorners ?? false; self.scales = scales
    }

    var inputPlane: Int { inputSize.reduce(1, *) }
    var outputPlane: Int { outputSize.reduce(1, *) }
    var inputCount: Int { planes * inputPlane }
    var outputCount: Int { planes * outputPlane }

    /// One dim's taps: for each output position up to two source positions and their weights.
    struct Taps {
        var index0: [Int], index1: [Int], weight0: [Float], weight1: [Float]
    }

    func taps(_ d: Int) -> Taps {
        let n = inputSize[d], m = outputSize[d]
        let scale = scales?[d]
        var t = Taps(index0: [], index1: [], weight0: [], weight1: [])
        // compute_scales_value: 1/scale when the user gave one, else in/out, as a Float.
        let step: Float = scale.map { Float(1.0 / $0) } ?? Float(n) / Float(m)
        for i in 0..<m {
            switch mode {
            case .nearest, .nearestExact, .area:
                let src: Int
                if m == n { src = i }
                else if mode == .nearest && m == 2 * n { src = i >> 1 }
                else {
                    let f = mode == .nearest ? Float(i) * step : (Float(i) + 0.5) * step
                    src = min(Int(f.rounded(.down)), n - 1)
                }
                t.index0.append(src); t.index1.append(src); t.weight0.append(1); t.weight1.append(0)
            case .linear:
                if m == n {
                    t.index0.append(i); t.index1.append(i); t.weight0.append(1); t.weight1.append(0)
                    continue
                }
                let real: Float
                if alignCorners {
                    let ratio: Float = m > 1 ? Float(n - 1) / Float(m - 1) : 0
                    real = ratio * Float(i)
                } else {
                    real = max(step * (Float(i) + 0.5) - 0.5, 0)
                }
                let i0 = min(Int(real.rounded(.down)), n - 1)
                let l1 = min(max(real - Float(i0), 0), 1)
                t.index0.append(i0); t.index1.append(i0 + (i0 < n - 1 ? 1 : 0))
                t.weight0.append(1 - l1); t.weight1.append(l1)
            }
        }
        return t
    }

    /// Taps of all three dims, identity taps for the missing leading ones.
    var taps3: [Taps] {
        Array(repeating: Taps(index0: [0], index1: [0], weight0: [1], weight1: [0]), count: 3 - inputSize.count)
            + (0..<inputSize.count).map(taps)
    }
}
