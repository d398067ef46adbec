// conv2d benchmark: 64 → 128 channels, 3×3, padding 1, 56×56, batch 8, forward and backward through the
// engine (`Tensor.conv2d` + `backward`), fastest and median of timed runs after a warm-up. Prints one line per measure:
// `<name> min <ms> median <ms>`. Run by Benchmarks/run.sh (section conv), which runs PyTorch beside it.
import BenchTiming
import CkptTensor
import Foundation

let runs = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10
let (n, cin, cout, h, w) = (8, 64, 128, 56, 56)
var state: UInt64 = 0x1234_5678
func random(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
    let values = (0..<shape.reduce(1, *)).map { _ -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
    return try Tensor(values, shape: shape, requiresGrad: requiresGrad)
}
let x = try random([n, cin, h, w], requiresGrad: true)
let weight = try random([cout, cin, 3, 3], requiresGrad: true)
let bias = try random([cout], requiresGrad: true)
let gradOut = try random([n, cout, h, w])

let forward = try Tensor.noGrad {
    try Timing.measure(runs: runs, warmup: 1) { _ = try x.conv2d(weight: weight, bias: bias, padding: .explicit([1])) }
}
let y = try x.conv2d(weight: weight, bias: bias, padding: .explicit([1]))
let backward = try Timing.measure(runs: runs, warmup: 1) { try y.backward(gradient: gradOut, retainGraph: true) }
let flops = 2.0 * Double(n * cout * h * w * cin * 9)
print(String(format: "forward min %.2f ms median %.2f ms (%.1f GFLOP/s at min)", forward.min, forward.median,
             flops / forward.min / 1e6))
print(String(format: "backward min %.2f ms median %.2f ms (%.1f GFLOP/s at min)", backward.min, backward.median,
             2 * flops / backward.min / 1e6))
