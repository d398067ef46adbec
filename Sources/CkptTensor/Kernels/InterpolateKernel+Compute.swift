/// Forward and backward of `InterpolateGeometry`: each output is a weighted sum of at most two source
/// positions per dim (one for nearest).
enum InterpolateKernel {
    /// Writes `g.outputCount` resampled values.
    static func forward<T: KernelScalar>(_ g: InterpolateGeometry, input: UnsafePointer<T>,
                                         output: UnsafeMutablePointer<T>) {
        run(g) { (src: Int, dst: Int, w: T) in output[dst] += w * input[src] } prepare: {
            output.update(repeating: 0, count: g.outputCount)
        }
    }

    /// Overwrites `gradInput` with every output gradient spread back over its source taps.
    static func backward<T: KernelScalar>(_ g: InterpolateGeometry, gradOutput: UnsafePointer<T>,
                                          gradInput: UnsafeMutablePointer<T>) {
        run(g) { (src: Int, dst: Int, w: T) in gradInput[src] += w * gradOutput[dst] } prepare: {
            gradInput.update(repeating: 0, count: g.inputCount)
        }
    }

    /// Visits every (source, destination, weight) triple of every plane, planes in parallel (each
    /// plane touches only its own input and output elements).
    @inline(__always)
    static func run<T: KernelScalar>(_ g: InterpolateGeometry, _ visit: (Int, Int, T) -> Void,
                                     prepare: () -> Void) {
        prepare()
        let t = g.taps3
        let i3 = padTo3(g.inputSize, fill: 1)
        let w0 = t.map { $0.weight0.map { T($0) } }, w1 = t.map { $0.weight1.map { T($0) } }
        let inPlane = g.inputPlane, outPlane = g.outputPlane
        kernelParallelFor(g.planes, costPerItem: outPlane * 8) { plane in
            var dst = plane * outPlane
            let base = plane * inPlane
            for z in 0..<t[0].index0.count {
                for y in 0..<t[1].index0.count {
                    for x in 0..<t[2].index0.count {
                        for a in 0..<2 {
                            let wz = a == 0 ? w0[0][z] : w1[0][z]
                            if wz == 0 { continue }
                            let iz = a == 0 ? t[0].index0[z] : t[0].index1[z]
                            for b in 0..<2 {
                                let wy = b == 0 ? w0[1][y] : w1[1][y]
                                if wy == 0 { continue }
                                let iy = b == 0 ? t[1].index0[y] : t[1].index1[y]
                                let row = base + (iz * i3[1] + iy) * i3[2]
                                let wzy = wz * wy
                                let wx0 = w0[2][x], wx1 = w1[2][x]
                                visit(row + t[2].index0[x], dst, wzy * wx0)
                                if wx1 != 0 { visit(row + t[2].index1[x], dst, wzy * wx1) }
                            }
                        }
                        dst += 1
                    }
                }
            }
        }
    }
}
