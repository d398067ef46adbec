/// Average pooling (`avg_pool{1,2,3}d` with `count_include_pad`, `ceil_mode` and `divisor_override`),
/// following PyTorch's window rule: the divisor counts the window clipped to the padded input, or only to
/// the input when padding is excluded.
enum AvgPoolKernel {
    /// Options beyond the window geometry.
    struct Options: Equatable, Sendable {
        var countIncludePad: Bool
        var divisorOverride: Int?
        init(countIncludePad: Bool = true, divisorOverride: Int? = nil) {
            self.countIncludePad = countIncludePad
            self.divisorOverride = divisorOverride
        }
    }

    /// Checks what `PoolGeometry` cannot: no dilation, and a non-zero divisor.
    static func validate(_ g: PoolGeometry, _ options: Options) throws(KernelError) {
        guard g.dilation.allSatisfy({ $0 == 1 }) else {
            throw .invalidArgument("average pooling has no dilation")
        }
        if let d = options.divisorOverride, d == 0 {
            throw .invalidArgument("divisor must be not zero")
        }
    }

    /// Calls `body(outputIndex, z0..<z1, y0..<y1, x0..<x1, divisor)` for every output position of a plane.
    @inline(__always)
    static func windows(_ g: PoolGeometry, _ options: Options,
                        _ body: (Int, Range<Int>, Range<Int>, Range<Int>, Int) -> Void) {
        let i3 = g.input3, o3 = g.output3, k3 = g.kernel3, s3 = g.stride3, p3 = g.padding3
        var o = 0
        for z in 0..<o3[0] {
            let zs = z * s3[0] - p3[0], ze = min(zs + k3[0], i3[0] + p3[0])
            for y in 0..<o3[1] {
                let ys = y * s3[1] - p3[1], ye = min(ys + k3[1], i3[1] + p3[1])
                for x in 0..<o3[2] {
                    let xs = x * s3[2] - p3[2], xe = min(xs + k3[2], i3[2] + p3[2])
                    let poolSize = (ze - zs) * (ye - ys) * (xe - xs)
                    let zr = max(zs, 0)..<max(min(ze, i3[0]), max(zs, 0))
                    let yr = max(ys, 0)..<max(min(ye, i3[1]), max(ys, 0))
                    let xr = max(xs, 0)..<max(min(xe, i3[2]), max(xs, 0))
                    let divisor = options.divisorOverride
                        ?? (options.countIncludePad ? poolSize : zr.count * yr.count * xr.count)
                    body(o, zr, yr, xr, divisor)
                    o += 1
                }
            }
        }
    }

    /// Writes `g.outputCount` window averages to `output`.
    static func forward<T: KernelScalar>(_ g: PoolGeometry, _ options: Options, input: UnsafePointer<T>,
                                         output: UnsafeMutablePointer<T>) {
        let i3 = g.input3, inPlane = g.inputPlane, outPlane = g.outputPlane
        kernelParallelFor(g.planes, costPerItem: outPlane * g.kernelSize.reduce(1, *)) { plane in
            let src = input + plane * inPlane, dst = output + plane * outPlane
            windows(g, options) { o, zr, yr, xr, divisor in
                if zr.isEmpty || yr.isEmpty || xr.isEmpty { dst[o] = 0; return }
                var sum: T = 0
                for z in zr { for y in yr {
                    let row = src + (z * i3[1] + y) * i3[2]
                    for x in xr { sum += row[x] }
                } }
                dst[o] = sum / T(divisor)
            }
        }
    }

    /// Overwrites `gradInput` with each output gradient spread evenly (÷ divisor) over its window.
    static func backward<T: KernelScalar>(_ g: PoolGeometry, _ options: Options,
                                          gradOutput: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>) {
        let i3 = g.input3, inPlane = g.inputPlane, outPlane = g.outputPlane
        gradInput.update(repeating: 0, count: g.inputCount)
        kernelParallelFor(g.planes, costPerItem: outPlane * g.kernelSize.reduce(1, *)) { plane in
            let src = gradOutput + plane * outPlane, dst = gradInput + plane * inPlane
            windows(g, options) { o, zr, yr, xr, divisor in
                if zr.isEmpty || yr.isEmpty || xr.isEmpty { return }
                let share = src[o] / T(divisor)
                for z in zr { for y in yr {
                    let row = dst + (z * i3[1] + y) * i3[2]
                    for x in xr { row[x] += share }
                } }
            }
        }
    }
}
