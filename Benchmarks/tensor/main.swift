// sgemm benchmark: ckpt's Tensor.mm / linear against a bare cblas_sgemm call, same sizes as
// bench_torch.py. Run through ./run.sh, which pins the thread count for both.
import CBLAS
import CkptTensor
import Dispatch
import Foundation

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best of `repeats` runs of `body`, each run long enough to time (at least 0.2 s or 3 calls).
func best(_ repeats: Int = 3, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up
    var result = Double.infinity
    for _ in 0 ..< repeats {
        var calls = 0
        var elapsed = 0.0
        while elapsed < 0.2 || calls < 3 {
            elapsed += try seconds(body)
            calls += 1
        }
        result = min(result, elapsed / Double(calls))
    }
    return result
}

if CommandLine.arguments.dropFirst().first == "ops" {
    try elementwiseReport()
    exit(0)
}
let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let generator = Generator(seed: 0)
print("n\tckpt_mm_gflops\tckpt_linear_gflops\tblas_gflops")
for n in sizes.isEmpty ? [256, 512, 1024, 2048] : sizes {
    let a = Tensor.randn([n, n], generator: generator), b = Tensor.randn([n, n], generator: generator)
    let flops = 2 * Double(n) * Double(n) * Double(n)
    let mm = try best { _ = try Tensor.noGrad { try a.mm(b) } }
    let linear = try best { _ = try Tensor.noGrad { try a.linear(weight: b) } }
    let c = TensorBuffer(uninitializedCount: n * n)
    let raw = best {
        a.buffer.withUnsafeBufferPointer { pa in
            b.buffer.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n), 1,
                                pa.baseAddress, blasint(n), pb.baseAddress, blasint(n), 0, pc.baseAddress, blasint(n))
                }
            }
        }
    }
    func g(_ t: Double) -> String { String(format: "%.1f", flops / t / 1e9) }
    print("\(n)\t\(g(mm))\t\(g(linear))\t\(g(raw))")
}
