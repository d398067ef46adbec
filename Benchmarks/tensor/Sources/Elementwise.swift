// Elementwise, reduction and softmax timings (ms) beside PyTorch's, for `bench-tensor ops`.
import BenchTiming
import CkptTensor
import Foundation

/// Times the engine's non-GEMM hot paths on 1M-element tensors.
func elementwiseReport() throws {
    let g = Generator(seed: 1)
    let a = Tensor.randn([1000, 1000], generator: g), b = Tensor.randn([1000, 1000], generator: g)
    let row = Tensor.randn([1000], generator: g)
    let cases: [(String, () throws -> Void)] = [
        ("add", { _ = try a + b }),
        ("add_broadcast_row", { _ = try a + row }),
        ("mul_scalar", { _ = a * 3 }),
        ("exp", { _ = a.exp() }),
        ("relu", { _ = a.relu() }),
        ("sigmoid", { _ = a.sigmoid() }),
        ("sum", { _ = a.sum() }),
        ("sum_dim0", { _ = try a.sum(dim: 0) }),
        ("softmax_dim1", { _ = try a.softmax(dim: 1) }),
        ("transpose", { _ = try a.t() }),
    ]
    print("op\tckpt_ms")
    for (name, body) in cases {
        let t = try Timing.best { try Tensor.noGrad(body) }
        print("\(name)\t\(String(format: "%.3f", t * 1000))")
    }
}
