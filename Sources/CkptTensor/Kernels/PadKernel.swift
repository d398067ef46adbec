/// `torch.nn.functional.pad` modes.
public enum PadMode: String, Sendable, CaseIterable {
    case constant, reflect, replicate, circular
}

/// Padding of the last 1 to 3 dims of a contiguous tensor, with PyTorch's argument order
/// (`(left, right)` of the last dim first, then the dim before it, …). Negative amounts crop.
struct PadGeometry: Equatable, Sendable {
    /// Product of the unpadded leading dims.
    let planes: Int
    /// The padded dims, outermost first.
    let inputSize: [Int]
    /// Amount added before each padded dim (negative crops).
    let before: [Int]
    /// Amount added after each padded dim.
    let after: [Int]
    /// How padding values are chosen.
    let mode: PadMode
    /// The padded dims after padding.
    let outputSize: [Int]

    /// `shape` is the whole input shape; `pad` has an even count of at most `2 · min(3, rank)` entries.
    init(shape: [Int], pad: [Int], mode: PadMode) throws(KernelError) {
        guard pad.count % 2 == 0, (2...6).contains(pad.count), pad.count / 2 <= shape.count else {
            throw .invalidArgument("Padding length must be divisible by 2, cover 1 to 3 dims and at most the input's \(shape.count) dims, got \(pad.count)")
        }
        let k = pad.count / 2
        if mode != .constant && shape.count < k + 1 {
            throw .invalidArgument("\(mode.rawValue) padding of \(k) dims needs a batch or channel dim before them")
        }
        let spatial = Array(shape.suffix(k))
        var before = [Int](), after = [Int]()
        for d in 0..<k {
            // pad[0], pad[1] belong to the last dim.
            before.append(pad[2 * (k - 1 - d)])
            after.append(pad[2 * (k - 1 - d) + 1])
        }
        var output = [Int]()
        for d in 0..<k {
            let n = spatial[d], b = before[d], a = after[d]
            switch mode {
            case .reflect:
                guard b < n, a < n else {
                    throw .invalidArgument("Padding size should be less than the corresponding input dimension, but got: padding (\(b), \(a)) at dimension \(shape.count - k + d) of input \(shape)")
                }
            case .circular:
                guard b <= n, a <= n else {
                    throw .invalidArgument("Padding value causes wrapping around more than once.")
                }
            case .replicate:
                guard n > 0 else { throw .invalidArgument("replication padding of an empty dimension") }
            case .constant: break
            }
            let size = n + b + a
            guard size >= 0 else {
                throw .invalidArgument("The input size \(n), plus negative padding \(b) and \(a) resulted in a negative output size")
            }
            output.append(size)
        }
        for v in pad where abs(v) > kernelElementLimit { throw .invalidArgument("padding \(v) is too large") }
        _ = try checkedProduct(Array(shape.dropLast(k)) + output, "padded output")
        _ = try checkedProduct(output, "padded plane")
        _ = try checkedProduct(shape, "pad input")
        self.planes = shape.dropLast(k).reduce(1, *)
        self.inputSize = spatial; self.before = before; self.after = after; self.mode = mode
        self.outputSize = output
    }

    var inputPlane: Int { inputSize.reduce(1, *) }
    var outputPlane: Int { outputSize.reduce(1, *) }
    var inputCount: Int { planes * inputPlane }
    var outputCount: Int { planes * outputPlane }

    /// For each output position of one dim, the source position, or -1 for the constant.
    func sourceMap(_ d: Int) -> [Int] {
        let n = inputSize[d], b = before[d]
        return (0..<outputSize[d]).map { i in
            let j = i - b
            switch mode {
            case .constant: return j >= 0 && j < n ? j : -1
            case .replicate: return min(max(j, 0), n - 1)
            case .circular: return ((j % n) + n) % n
            case .reflect:
                let r = j < 0 ? -j : j
                return r >= n ? 2 * (n - 1) - r : r
            }
        }
    }

    /// The three maps, padded at the front with the identity map of a size-1 dim.
    var maps3: [[Int]] {
        Array(repeating: [0], count: 3 - inputSize.count) + (0..<inputSize.count).map(sourceMap)
    }
}

/// Forward and backward of `PadGeometry`.
enum PadKernel {
    /// Writes the padded tensor (`g.outputCount` elements); `value` fills constant padding.
    static func forward<T: KernelScalar>(_ g: PadGeometry, value: T, input: UnsafePointer<T>,
                                         output: UnsafeMutablePointer<T>) {
        let m = g.maps3, i3 = padTo3(g.inputSize, fill: 1)
        let inPlane = g.inputPlane, outPlane = g.outputPlane
        kernelParallelFor(g.planes, costPerItem: outPlane) { plane in
            let src = input + plane * inPlane
            var dst = output + plane * outPlane
            for z in m[0] { for y in m[1] {
                if z < 0 || y < 0 {
                    dst.update(repeating: value, count: m[2].count); dst += m[2].count; continue
                }
                let row = src + (z * i3[1] + y) * i3[2]
                for x in m[2] { dst.pointee = x < 0 ? value : row[x]; dst += 1 }
            } }
        }
    }

    /// Overwrites `gradInput` with the sum of the output gradients of every position each input feeds.
    static func backward<T: KernelScalar>(_ g: PadGeometry, gradOutput: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>) {
        let m = g.maps3, i3 = padTo3(g.inputSize, fill: 1)
        let inPlane = g.inputPlane, outPlane = g.outputPlane
        gradInput.update(repeating: 0, count: g.inputCount)
        kernelParallelFor(g.planes, costPerItem: outPlane) { plane in
            let dst = gradInput + plane * inPlane
            var src = gradOutput + plane * outPlane
            for z in m[0] { for y in m[1] {
                if z < 0 || y < 0 { src += m[2].count; continue }
                let row = dst + (z * i3[1] + y) * i3[2]
                for x in m[2] {
                    if x >= 0 { row[x] += src.pointee }
                    src += 1
                }
            } }
        }
    }
}
