import CkptCore
import CkptTensor
import CkptTestSupport
import CkptWorkflows
import Foundation
import Testing

/// `--compute bfloat16`: products with bf16 weights round their inputs and outputs to bf16 and sum bf16 products in
/// float32, as a bf16 model's linear layers do. Checked against transformers running the same bf16 folder in bfloat16
/// (`Fixtures/gen/hf_bf16_compute.py`) within the tolerance measured on it: max |a-b| / max |b| 0.029 and mean KL
/// 8.0e-5 nats (top-1 all equal) — the size of bf16 rounding itself, since the two round at different points
/// (transformers rounds every op; ckpt only the products). transformers' own float32 and bf16 runs are 0.034 / 6.8e-5
/// apart.
@Suite struct BFloat16ComputeTests {
    static func logits(_ compute: DType) throws -> Tensor {
        let folder = HuggingFaceFixtures.path("llama-bf16")
        return try EngineContext.with(\.computeDType, compute) {
            let session = try LoadSession(model: ModelSource(argument: folder), checkpoint: CheckpointReference(folder))
            #expect(try session.load().ok)
            return try session.forward(ForwardInputs(files: [HuggingFaceFixtures.path("io/ids.npy")]))[0]
        }
    }

    /// (max |a-b| / max |b|, mean KL(a‖b) over positions, top-1 agreement) of logits `[..., vocab]`.
    static func distance(_ a: Tensor, _ b: Tensor) -> (relative: Double, meanKL: Double, top1: Double) {
        let vocab = a.shape.last ?? 1
        let x = a.scalars.map(Double.init), y = b.scalars.map(Double.init)
        let relative = zip(x, y).map { abs($0 - $1) }.max()! / y.map(abs).max()!
        var kl = 0.0, agree = 0.0
        let rows = x.count / vocab
        for r in 0 ..< rows {
            func logSoftmax(_ v: ArraySlice<Double>) -> [Double] {
                let m = v.max()!, s = log(v.map { exp($0 - m) }.reduce(0, +))
                return v.map { $0 - m - s }
            }
            let la = logSoftmax(x[r * vocab ..< (r + 1) * vocab]), lb = logSoftmax(y[r * vocab ..< (r + 1) * vocab])
            kl += zip(la, lb).map { exp($0) * ($0 - $1) }.reduce(0, +)
            agree += la.indices.max(by: { la[$0] < la[$1] }) == lb.indices.max(by: { lb[$0] < lb[$1] }) ? 1 : 0
        }
        return (relative, kl / Double(rows), agree / Double(rows))
    }

    @Test func matchesTransformersRunningInBFloat16WithinTheMeasuredTolerance() throws {
        let bf16 = try Self.logits(.bfloat16), float32 = try Self.logits(.float32)
        let transformers = try ForwardInputs.tensor(Fixtures.path("hf_bf16_compute/llama-bf16.bf16.npy"))
        #expect(bf16.shape == transformers.shape)
        let d = Self.distance(bf16, transformers)
        #expect(d.relative < 0.05 && d.meanKL < 2e-4 && d.top1 == 1, "measured \(d)")
        // The mode does something: float32 compute gives transformers' float32 logits, bf16 compute does not.
        let f32 = try ForwardInputs.tensor(Fixtures.path("hf_bf16_compute/llama-bf16.float32.npy"))
        #expect(Self.distance(float32, f32).relative < 1e-5)
        #expect(Self.distance(bf16, f32).relative > 1e-3)
    }
}
