import CkptTestSupport
import Testing
@testable import CkptTensor

/// Random small geometries (1-3 dims, strides, dilations, groups, padding larger than the input):
/// the im2col + GEMM forward against a direct six-loop convolution, and backward as the exact adjoint.
@Suite struct ConvFuzzTests {
    /// Direct convolution over every output position and kernel tap, in Double.
    static func direct(_ g: ConvGeometry, _ x: [Double], _ w: [Double], _ b: [Double]) -> [Double] {
        let i3 = padTo3(g.inputSize, fill: 1), o3 = padTo3(g.outputSize, fill: 1), k3 = padTo3(g.kernelSize, fill: 1)
        let s3 = padTo3(g.stride, fill: 1), p3 = padTo3(g.paddingBefore, fill: 0), d3 = padTo3(g.dilation, fill: 1)
        let cg = g.inChannels / g.groups, og = g.outChannels / g.groups
        var out = [Double](repeating: 0, count: g.outputCount)
        var o = 0
        for n in 0..<g.batch { for oc in 0..<g.outChannels {
            let grp = oc / og
            for z in 0..<o3[0] { for y in 0..<o3[1] { for xo in 0..<o3[2] {
                var sum = b.isEmpty ? 0 : b[oc]
                for c in 0..<cg { for a in 0..<k3[0] { for bb in 0..<k3[1] { for e in 0..<k3[2] {
                    let iz = z * s3[0] - p3[0] + a * d3[0], iy = y * s3[1] - p3[1] + bb * d3[1]
                    let ix = xo * s3[2] - p3[2] + e * d3[2]
                    guard iz >= 0, iz < i3[0], iy >= 0, iy < i3[1], ix >= 0, ix < i3[2] else { continue }
                    let xi = (((n * g.inChannels + grp * cg + c) * i3[0] + iz) * i3[1] + iy) * i3[2] + ix
                    let wi = (((oc * cg + c) * k3[0] + a) * k3[1] + bb) * k3[2] + e
                    sum += x[xi] * w[wi]
                } } } }
                out[o] = sum
                o += 1
            } } }
        } }
        return out
    }

    @Test func randomGeometriesMatchDirectConvolution() throws {
        var rng = CheckRandom(2026)
        func pick(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int((rng.next() + 1) / 2 * Double(range.count)) % range.count
        }
        var checked = 0
        for _ in 0..<300 {
            let dims = pick(1...3), groups = pick(1...3)
            let kernel = (0..<dims).map { _ in pick(1...3) }, stride = (0..<dims).map { _ in pick(1...3) }
            let dilation = (0..<dims).map { _ in pick(1...2) }, input = (0..<dims).map { _ in pick(1...6) }
            let padding: ConvPadding = pick(0...3) == 0 && stride.allSatisfy({ $0 == 1 })
                ? .same : .explicit((0..<dims).map { _ in pick(0...4) })
            guard let g = try? ConvGeometry(batch: pick(1...2), inChannels: groups * pick(1...2),
                                            outChannels: groups * pick(1...2), groups: groups, inputSize: input,
                                            kernelSize: kernel, stride: stride, padding: padding,
                                            dilation: dilation) else { continue }
            checked += 1
            let x = rng.values(g.inputCount), w = rng.values(g.weightCount), b = rng.values(g.outChannels)
            let out: [Double] = withOutput(g.outputCount) { o in ConvKernel.forward(g, input: x, weight: w, bias: b, output: o) }
            let expected = Self.direct(g, x, w, b)
            let worst = zip(out, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-12, "forward \(g)")
            // Backward is the adjoint: <conv(x) - b, gy> == <x, dx(gy)> == <w, dw(gy)>.
            let gy = rng.values(g.outputCount)
            let grads: [[Double]] = withOutputs([g.inputCount, g.weightCount, g.outChannels]) { o in
                ConvKernel.backward(g, input: x, weight: w, gradOutput: gy, gradInput: o[0], gradWeight: o[1],
                                    gradBias: o[2])
            }
            let noBias = Self.direct(g, x, w, [])
            let lhs = zip(noBias, gy).reduce(0) { $0 + $1.0 * $1.1 }
            let viaInput = zip(x, grads[0]).reduce(0) { $0 + $1.0 * $1.1 }
            let viaWeight = zip(w, grads[1]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(lhs - viaInput) < 1e-9 * max(1, abs(lhs)), "input adjoint \(g)")
            #expect(abs(lhs - viaWeight) < 1e-9 * max(1, abs(lhs)), "weight adjoint \(g)")
        }
        #expect(checked > 150)
    }
}
