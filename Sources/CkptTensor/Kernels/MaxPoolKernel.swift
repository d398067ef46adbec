/// Max pooling (`max_pool{1,2,3}d` with padding, dilation and `ceil_mode`) and its unpooling
/// (`max_unpool`). Indices are PyTorch's: the flat position of the maximum inside its input plane.
public enum MaxPoolKernel {
    /// Writes `g.outputCount` maxima to `output` and their per-plane indices to `indices`.
    /// Padding counts as -∞; a NaN in a window wins, as in PyTorch.
    public static func forward<T: KernelScalar>(_ g: PoolGeometry, input: UnsafePointer<T>,
                                                output: UnsafeMutablePointer<T>,
                                                indices: UnsafeMutablePointer<Int>) {
        let i3 = g.input3, o3 = g.output3, k3 = g.kernel3, s3 = g.stride3, p3 = g.padding3, d3 = g.dilation3
        let inPlane = g.inputPlane, outPlane = g.outputPlane
        kernelParallelFor(g.planes, costPerItem: outPlane * k3[0] * k3[1] * k3[2]) { plane in
            let src = input + plane * inPlane
            var o = plane * outPlane
            for z in 0..<o3[0] {
                let z0 = z * s3[0] - p3[0]
                for y in 0..<o3[1] {
                    let y0 = y * s3[1] - p3[1]
                    for x in 0..<o3[2] {
                        let x0 = x * s3[2] - p3[2]
                        var best = -T.infinity
                        var bestIndex = -1
                        for a in 0..<k3[0] {
                            let iz = z0 + a * d3[0]
                            if iz < 0 || iz >= i3[0] { continue }
                            for b in 0..<k3[1] {
                                let iy = y0 + b * d3[1]
                                if iy < 0 || iy >= i3[1] { continue }
                                let rowIndex = (iz * i3[1] + iy) * i3[2]
                                for e in 0..<k3[2] {
                                    let ix = x0 + e * d3[2]
                                    if ix < 0 || ix >= i3[2] { continue }
                                    let v = src[rowIndex + ix]
                                    if bestIndex < 0 { bestIndex = rowIndex + ix }
                                    if v > best || v.isNaN {
                                        best = v
                                        bestIndex = rowIndex + ix
                                    }
                                }
                            }
                        }
                        output[o] = best
                        indices[o] = max(bestIndex, 0)
                        o += 1
                    }
                }
            }
        }
    }

    /// Overwrites `gradInput` (`g.inputCount`) with each output gradient routed to its maximum.
    public static func backward<T: KernelScalar>(_ g: PoolGeometry, gradOutput: UnsafePointer<T>,
                                                 indices: UnsafePointer<Int>,
                                                 gradInput: UnsafeMutablePointer<T>) {
        scatter(planes: g.planes, inPlane: g.outputPlane, outPlane: g.inputPlane, values: gradOutput,
                indices: indices, output: gradInput)
    }

    /// `max_unpool`: a zero tensor of `outputPlane` elements per plane with each input value placed at
    /// its index. Throws on an index outside the output plane.
    public static func unpool<T: KernelScalar>(planes: Int, inputPlane: Int, outputPlane: Int,
                                               input: UnsafePointer<T>, indices: UnsafePointer<Int>,
                                               output: UnsafeMutablePointer<T>) throws(KernelError) {
        for i in 0..<(planes * inputPlane) where indices[i] < 0 || indices[i] >= outputPlane {
            throw .invalidArgument("Found an invalid max index: \(indices[i]) (output volume of size \(outputPlane))")
        }
        output.update(repeating: 0, count: planes * outputPlane)
        for plane in 0..<planes {
            let src = input + plane * inputPlane, idx = indices + plane * inputPlane
            let dst = output + plane * outputPlane
            for i in 0..<inputPlane { dst[idx[i]] = src[i] }
        }
    }

    /// Gradient of `unpool`: `gradInput[i] = gradOutput[indices[i]]` plane by plane (indices already checked).
    public static func unpoolBackward<T: KernelScalar>(planes: Int, inputPlane: Int, outputPlane: Int,
                                                       gradOutput: UnsafePointer<T>, indices: UnsafePointer<Int>,
                                                       gradInput: UnsafeMutablePointer<T>) {
        for plane in 0..<planes {
            let src = gradOutput + plane * outputPlane, idx = indices + plane * inputPlane
            let dst = gradInput + plane * inputPlane
            for i in 0..<inputPlane {
                let j = idx[i]
                dst[i] = j >= 0 && j < outputPlane ? src[j] : 0
            }
        }
    }

    /// Zeroes `output` and adds each value onto its plane-local index.
    static func scatter<T: KernelScalar>(planes: Int, inPlane: Int, outPlane: Int, values: UnsafePointer<T>,
                                         indices: UnsafePointer<Int>, output: UnsafeMutablePointer<T>) {
        output.update(repeating: 0, count: planes * outPlane)
        kernelParallelFor(planes, costPerItem: inPlane) { plane in
            let src = values + plane * inPlane, idx = indices + plane * inPlane
            let dst = output + plane * outPlane
            for i in 0..<inPlane {
                let j = idx[i]
                if j >= 0 && j < outPlane { dst[j] += src[i] }
            }
        }
    }
}
