import CkptTestSupport
import Foundation
@testable import CkptTensor

/// One case of a `Fixtures/tensor_ops/<family>.safetensors` golden file (`Fixtures/gen/tensor_ops.py`): an op call
/// with its inputs, output, upstream gradient `g` and the input gradients PyTorch computed.
struct OpGoldenCase {
    /// Where a case tensor's values are: stored in full, stored as every k-th element, or a pattern to recompute.
    struct Layout {
        let shape: [Int]
        let every: Int?
        let pattern: Int?

        init(_ args: GoldenArgs) throws {
            shape = try args.ints("shape")
            every = args.optionalInt("every")
            pattern = args.optionalInt("pattern")
        }
    }

    let file: GoldenFile
    let name: String
    let op: String
    let args: GoldenArgs
    let smooth: Bool
    let rtol: Double
    let gradFn: String?
    let inputs: [(layout: Layout, dtype: String, requiresGrad: Bool)]
    let output: Layout
    let g: Layout?
    let grads: [Layout?]

    init(_ file: GoldenFile, _ name: String) throws {
        self.file = file
        self.name = name
        let meta = try file.args(name)
        op = try meta.string("op")
        args = try meta.object("args")
        smooth = meta.bool("smooth")
        rtol = try meta.double("rtol")
        gradFn = meta["grad_fn"] as? String
        inputs = try meta.list("inputs").map { item in
            let a = GoldenArgs(item as? [String: Any] ?? [:])
            return (try Layout(a), try a.string("dtype"), a.bool("requires_grad"))
        }
        output = try Layout(meta.object("output"))
        g = try meta["g"].map { _ in try Layout(meta.object("g")) }
        grads = try (meta["grads"] as? [Any] ?? []).map { item in
            try (item as? [String: Any]).map { try Layout(GoldenArgs($0)) }
        }
    }

    /// Every case of `Fixtures/tensor_ops/<family>.safetensors`, in order.
    static func family(_ family: String) throws -> [OpGoldenCase] {
        let file = try GoldenFile("tensor_ops/\(family)")
        return try file.caseNames.map { try OpGoldenCase(file, $0) }
    }

    /// The pattern of `Fixtures/gen/tensor_ops.py`: exact in Float32 on both sides.
    static func pattern(count: Int, salt: Int) -> [Float] {
        (0 ..< count).map { i in Float(Double((i * 7919 + salt * 104_729) % 2001 - 1000) / 1000) }
    }

    /// A case tensor as an engine tensor (stored in full, or a pattern).
    func tensor(_ key: String, _ layout: Layout, dtype: String = "float32", requiresGrad: Bool = false) throws -> Tensor {
        let n = layout.shape.reduce(1, *)
        let values: [Float]
        if let salt = layout.pattern {
            values = OpGoldenCase.pattern(count: n, salt: salt)
        } else if dtype == "int64" {
            values = try file.ints(name, key).map { Float($0) }
        } else {
            values = try file.floats(name, key)
        }
        return try Tensor(values, shape: layout.shape, dtype: dtype == "int64" ? .int64 : .float32, requiresGrad: requiresGrad)
    }

    /// The inputs as engine tensors, requiring grad as in PyTorch.
    func inputTensors() throws -> [Tensor] {
        try inputs.enumerated().map { i, input in
            try tensor("in\(i)", input.layout, dtype: input.dtype, requiresGrad: input.requiresGrad)
        }
    }

    /// The upstream gradient, if the output requires grad.
    func gTensor() throws -> Tensor? { try g.map { try tensor("g", $0) } }

    /// Compares `actual` with the stored tensor `key` (all of it, or every k-th element), each element within
    /// `rtol` of the tensor's scale (`Closeness.scale`).
    func mismatch(_ actual: Tensor, _ key: String, _ layout: Layout) throws -> String? {
        guard actual.shape == layout.shape else { return "shape \(actual.shape), expected \(layout.shape)" }
        let expected = try file.floats(name, key)
        let got = actual.scalars
        let step = layout.every ?? 1
        let sampled = expected.indices.map { got[$0 * step] }
        return Closeness(tolerance: rtol, floor: Closeness.scale(expected)).mismatch(sampled, expected)
            .map { step == 1 ? $0 : "\($0) (every \(step)th element)" }
    }
}
