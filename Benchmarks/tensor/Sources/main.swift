// sgemm benchmark: ckpt's Tensor.mm / linear against a bare cblas_sgemm call, same sizes as
// bench_torch.py. Run by Benchmarks/run.sh (section tensor), which pins the thread count for both.
import BenchTiming
import CkptTensor
import COpenBLAS
import Foundation

if CommandLine.arguments.dropFirst().first == "core" {
    // The OpenBLAS core as ckpt's executables run it (OpenBLAS's own choice, or OPENBLAS_CORETYPE).
    print(openblas_get_corename().map { String(cString: $0) } ?? "unknown")
    exit(0)
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
    let mm = try Timing.best { _ = try Tensor.noGrad { try a.mm(b) } }
    let linear = try Timing.best { _ = try Tensor.noGrad { try a.linear(weight: b) } }
    let c = TensorBuffer(uninitializedCount: n * n)
    let raw = Timing.best {
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
