// conv2d benchmark: 64 → 128 channels, 3×3, padding 1, 56×56, batch 8, forward and backward through the
// engine (`Tensor.conv2d` + `backward`), median of timed runs after a warm-up. Prints one line per measure:
// `<name> <median ms>`. Run through Benchmarks/conv/bench.sh, which runs PyTorch beside it.
import CkptTensor
import Foundation

func medianMilliseconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times = [Double]()
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[runs / 2]
}

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
    try medianMilliseconds(runs: runs) { _ = try x.conv2d(weight: weight, bias: bias, padding: .explicit([1])) }
}
let y = try x.conv2d(weight: weight, bias: bias, padding: .explicit([1]))
let backward = try medianMilliseconds(runs: runs) { try y.backward(gradient: gradOut, retainGraph: true) }
let flops = 2.0 * Double(n * cout * h * w * cin * 9)
print(String(format: "forward %.2f ms (%.1f GFLOP/s)", forward, flops / forward / 1e6))
print(String(format: "backward %.2f ms (%.1f GFLOP/s)", backward, 2 * flops / backward / 1e6))
