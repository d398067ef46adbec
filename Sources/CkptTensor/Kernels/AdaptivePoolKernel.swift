/// Adaptive pooling (`adaptive_avg_pool{1,2,3}d`, `adaptive_max_pool{1,2,3}d`): output cell `o` of a dim
/// of input size `n` and output size `m` covers `floor(o·n/m) ..< ceil((o+1)·n/m)`.
enum AdaptivePoolKernel {
    /// Checks sizes (1 to 3 spatial dims, every size positive) and returns them padded to 3-d.
    static func dims(_ inputSize: [Int], _ outputSize: [Int]) throws(KernelError) -> ([Int], [Int]) {
        guard (1...3).contains(inputSize.count), outputSize.count == inputSize.count else {
            throw .invalidArgument("adaptive pooling expects matching 1 to 3 spatial dims, got input \(inputSize), output \(outputSize)")
        }
        try checkDims(inputSize, count: inputSize.count, minimum: 1, "input size")
        try checkDims(outputSize, count: inputSize.count, minimum: 1, "output_size")
        _ = try checkedProduct(outputSize, "adaptive pooling output")
        _ = try checkedProduct(inputSize, "adaptive pooling input")
        return (padTo3(inputSize, fill: 1), padTo3(outputSize, fill: 1))
    }

    @inline(__always)
    static func cell(_ o: Int, _ n: Int, _ m: Int) -> Range<Int> {
        (o * n / m)..<((o + 1) * n + m - 1) / m
    }

    /// Calls `body(outputIndex, zRange, yRange, xRange)` for each output cell of a plane.
    @inline(__always)
    static func cells(_ i3: [Int], _ o3: [Int], _ body: (Int, Range<Int>, Range<Int>, Range<Int>) -> Void) {
        var o = 0
        for z in 0..<o3[0] {
            let zr = cell(z, i3[0], o3[0])
            for y in 0..<o3[1] {
                let yr = cell(y, i3[1], o3[1])
                for x in 0..<o3[2] {
                    body(o, zr, yr, cell(x, i3[2], o3[2]))
                    o += 1
                }
            }
        }
    }

    /// Averages: `output` holds `planes · Π outputSize` elements.
    static func avgForward<T: KernelScalar>(planes: Int, inputSize: [Int], outputSize: [Int],
                                            input: UnsafePointer<T>,
                                            output: UnsafeMutablePointer<T>) throws(KernelError) {
        let (i3, o3) = try dims(inputSize, outputSize)
        let inPlane = i3.reduce(1, *), outPlane = o3.reduce(1, *)
        kernelParallelFor(planes, costPerItem: inPlane) { plane in
            let src = input + plane * inPlane, dst = output + plane * outPlane
            cells(i3, o3) { o, zr, yr, xr in
                var sum: T = 0
                for z in zr { for y in yr {
                    let row = src + (z * i3[1] + y) * i3[2]
                    for x in xr { sum += row[x] }
                } }
                dst[o] = sum / T(zr.count * yr.count * xr.count)
            }
        }
    }

    /// Gradient of `avgForward`, overwriting `gradInput`.
    static func avgBackward<T: KernelScalar>(planes: Int, inputSize: [Int], outputSize: [Int],
                                             gradOutput: UnsafePointer<T>,
                                             gradInput: UnsafeMutablePointer<T>) throws(KernelError) {
        let (i3, o3) = try dims(inputSize, outputSize)
        let inPlane = i3.reduce(1, *), outPlane = o3.reduce(1, *)
        gradInput.update(repeating: 0, count: planes * inPlane)
        kernelParallelFor(planes, costPerItem: inPlane) { plane in
            let src = gradOutput + plane * outPlane, dst = gradInput + plane * inPlane
            cells(i3, o3) { o, zr, yr, xr in
                let share = src[o] / T(zr.count * yr.count * xr.count)
                for z in zr { for y in yr {
                    let row = dst + (z * i3[1] + y) * i3[2]
                    for x in xr { row[x] += share }
                } }
            }
        }
    }

    /// Maxima with their per-plane flat indices (a NaN wins, as in PyTorch).
    static func maxForward<T: KernelScalar>(planes: Int, inputSize: [Int], outputSize: [Int],
                                            input: UnsafePointer<T>, output: UnsafeMutablePointer<T>,
                                            indices: UnsafeMutablePointer<Int>) throws(KernelError) {
        let (i3, o3) = try dims(inputSize, outputSize)
        let inPlane = i3.reduce(1, *), outPlane = o3.reduce(1, *)
        kernelParallelFor(planes, costPerItem: inPlane) { plane in
            let src = input + plane * inPlane, dst = output + plane * outPlane, idx = indices + plane * outPlane
            cells(i3, o3) { o, zr, yr, xr in
                var best = -T.infinity, bestIndex = (zr.lowerBound * i3[1] + yr.lowerBound) * i3[2] + xr.lowerBound
                for z in zr { for y in yr {
                    let rowIndex = (z * i3[1] + y) * i3[2]
                    for x in xr {
                        let v = src[rowIndex + x]
                        if v > best || v.isNaN { best = v; bestIndex = rowIndex + x }
                    }
                } }
                dst[o] = best
                idx[o] = bestIndex
            }
        }
    }

    /// Gradient of `maxForward`, overwriting `gradInput`.
    static func maxBackward<T: KernelScalar>(planes: Int, inputSize: [Int], outputSize: [Int],
                                             gradOutput: UnsafePointer<T>, indices: UnsafePointer<Int>,
                                             gradInput: UnsafeMutablePointer<T>) {
        MaxPoolKernel.scatter(planes: planes, inPlane: outputSize.reduce(1, *), outPlane: inputSize.reduce(1, *),
                              values: gradOutput, indices: indices, output: gradInput)
    }
}
