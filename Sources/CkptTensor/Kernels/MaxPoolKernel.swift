/// Max pooling (`max_pool{1,2,3}d` with padding, dilation and `ceil_mode`) and its unpooling
/// (`max_unpool`). Indices are PyTorch's: the flat position of the maximum inside its input plane.
enum MaxPoolKernel {
    /// Writes `g.outputCount` maxima to `output` and, unless `indices` is nil, their per-plane indices.
    /// Padding counts as -∞; a NaN in a window wins, as in PyTorch.
    static func forward<T: KernelScalar>(_ g: PoolGeometry, input: UnsafePointer<T>,
                                         output: UnsafeMutablePointer<T>,
                                         indices: UnsafeMutablePointer<Int>?) {
        // Geometry as scalars, and each window's tap range clipped to the input computed once per output
        // position along each dim, so the inner loops carry no array accesses, divisions or bounds tests.
        let i3 = g.input3, o3 = g.output3, k3 = g.kernel3, s3 = g.stride3, p3 = g.padding3, d3 = g.dilation3
        let (ih, iw) = (i3[1], i3[2]), (od, oh, ow) = (o3[0], o3[1], o3[2])
        let (dd, dh, dw) = (d3[0], d3[1], d3[2])
        let inPlane = g.inputPlane, outPlane = g.outputPlane
        if p3 == [0, 0, 0], d3 == [1, 1, 1], (0..<3).allSatisfy({ (o3[$0] - 1) * s3[$0] + k3[$0] <= i3[$0] }) {
            forwardInside(g, input: input, output: output, indices: indices)
            return
        }
        // Three entries per output position (window start, first and end tap inside), along z, then y, then x.
        let ranges = UnsafeMutablePointer<Int>.allocate(capacity: 3 * (od + oh + ow))
        defer { ranges.deallocate() }
        var at = 0
        for d in 0..<3 {
            for o in 0..<o3[d] {
                let start = o * s3[d] - p3[d]
                let (lo, hi) = ColumnLayout.validRange(offset: start, stride: d3[d], size: i3[d], count: k3[d])
                ranges[at] = start; ranges[at + 1] = lo; ranges[at + 2] = hi
                at += 3
            }
        }
        let zr = ranges, yr = ranges + 3 * od, xr = ranges + 3 * (od + oh)
        kernelParallelFor(g.planes, costPerItem: outPlane * k3[0] * k3[1] * k3[2]) { plane in
            let src = input + plane * inPlane
            let dst = output + plane * outPlane
            let idx = indices.map { $0 + plane * outPlane }
            var o = 0
            for z in 0..<od {
                let (z0, alo, ahi) = (zr[3 * z], zr[3 * z + 1], zr[3 * z + 2])
                for y in 0..<oh {
                    let (y0, blo, bhi) = (yr[3 * y], yr[3 * y + 1], yr[3 * y + 2])
                    for x in 0..<ow {
                        let (x0, elo, ehi) = (xr[3 * x], xr[3 * x + 1], xr[3 * x + 2])
                        var best = -T.infinity
                        // The first tap inside the input (index 0 for a window wholly in the padding).
                        var bestIndex = alo < ahi && blo < bhi && elo < ehi
                            ? ((z0 + alo * dd) * ih + y0 + blo * dh) * iw + x0 + elo * dw : 0
                        for a in alo..<ahi {
                            for b in blo..<bhi {
                                let row = ((z0 + a * dd) * ih + y0 + b * dh) * iw + x0
                                for e in elo..<ehi {
                                    let i = row + e * dw
                                    let v = src[i]
                                    let take = v > best || v != v
                                    best = take ? v : best
                                    bestIndex = take ? i : bestIndex
                                }
                            }
                        }
                        dst[o] = best
                        idx?[o] = bestIndex
                        o += 1
                    }
                }
            }
        }
    }

    /// `forward` for the common case of windows wholly inside the input (no padding, no dilation, no partial
    /// `ceil_mode` window): no clipping at all, and wrapping index arithmetic (the sizes were checked by
    /// `PoolGeometry`).
    static func forwardInside<T: KernelScalar>(_ g: PoolGeometry, input: UnsafePointer<T>,
                                               output: UnsafeMutablePointer<T>, indices: UnsafeMutablePointer<Int>?) {
        let i3 = g.input3, o3 = g.output3, k3 = g.kernel3, s3 = g.stride3
        let (ih, iw) = (i3[1], i3[2]), (od, oh, ow) = (o3[0], o3[1], o3[2])
        let (kd, kh, kw) = (k3[0], k3[1], k3[2]), (sd, sh, sw) = (s3[0], s3[1], s3[2])
        let inPlane = g.inputPlane, outPlane = g.outputPlane
        if T.self == Float.self, indices == nil, i3[0] == 1, (kh, kw, sh, sw) == (2, 2, 2, 2) {
            let x = UnsafeRawPointer(input).assumingMemoryBound(to: Float.self)
            let y = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
            kernelParallelFor(g.planes, costPerItem: oh * ow * 4) { p in
                for row in 0..<oh {
                    let from: Int = p &* inPlane &+ 2 &* row &* iw, to: Int = (p &* oh &+ row) &* ow
                    pool2x2Row(x + from, iw, y + to, ow)
                }
            }
            return
        }
        kernelParallelFor(g.planes, costPerItem: outPlane * kd * kh * kw) { plane in
            let src = input + plane &* inPlane
            var dst = output + plane &* outPlane
            var idx = indices.map { $0 + plane &* outPlane }
            for z in 0..<od {
                for y in 0..<oh {
                    let corner = (z &* sd &* ih &+ y &* sh) &* iw
                    for x in 0..<ow {
                        let first = corner &+ x &* sw
                        var best = src[first]
                        var bestIndex = first
                        for a in 0..<kd {
                            for b in 0..<kh {
                                let row = first &+ (a &* ih &+ b) &* iw
                                for e in 0..<kw {
                                    let v = src[row &+ e]
                                    let take = v > best || v != v
                                    best = take ? v : best
                                    bestIndex = take ? row &+ e : bestIndex
                                }
                            }
                        }
                        dst.pointee = best
                        dst += 1
                        if let i = idx { i.pointee = bestIndex; idx = i + 1 }
                    }
                }
            }
        }
    }

    /// One output row of a 2×2, stride-2 max pool (the most common pool, LeNet's) from input rows `top` and
    /// `top + width`, four outputs per step in SIMD. A NaN anywhere in a window makes its result NaN.
    @inline(__always)
    static func pool2x2Row(_ top: UnsafePointer<Float>, _ width: Int, _ out: UnsafeMutablePointer<Float>, _ count: Int) {
        @inline(__always) func larger(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
            a.replacing(with: b, where: (b .> a) .| (b .!= b))
        }
        let bottom = top + width
        var x = 0
        while x + 4 <= count {
            let u = UnsafeRawPointer(top + 2 &* x).loadUnaligned(as: SIMD8<Float>.self)
            let v = UnsafeRawPointer(bottom + 2 &* x).loadUnaligned(as: SIMD8<Float>.self)
            let m = larger(larger(u.evenHalf, u.oddHalf), larger(v.evenHalf, v.oddHalf))
            UnsafeMutableRawPointer(out + x).storeBytes(of: m, as: SIMD4<Float>.self)
            x += 4
        }
        while x < count {
            let u = SIMD2(top[2 &* x], top[2 &* x + 1]), v = SIMD2(bottom[2 &* x], bottom[2 &* x + 1])
            let m = u.replacing(with: v, where: (v .> u) .| (v .!= v))
            out[x] = m[1] > m[0] || m[1] != m[1] ? m[1] : m[0]
            x += 1
        }
    }

    /// Overwrites `gradInput` (`g.inputCount`) with each output gradient routed to its maximum.
    static func backward<T: KernelScalar>(_ g: PoolGeometry, gradOutput: UnsafePointer<T>,
                                          indices: UnsafePointer<Int>,
                                          gradInput: UnsafeMutablePointer<T>) {
        scatter(planes: g.planes, inPlane: g.outputPlane, outPlane: g.inputPlane, values: gradOutput,
                indices: indices, output: gradInput)
    }

    /// `max_unpool`: a zero tensor of `outputPlane` elements per plane with each input value placed at
    /// its index. Throws on an index outside the output plane.
    static func unpool<T: KernelScalar>(planes: Int, inputPlane: Int, outputPlane: Int,
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
    static func unpoolBackward<T: KernelScalar>(planes: Int, inputPlane: Int, outputPlane: Int,
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
