import CkptTensor
import Testing

extension GoldenFile {
    /// A leaf tensor from the case, optionally requiring grad; nil when the case has no such tensor.
    public func tensor(_ name: String, _ key: String, requiresGrad: Bool = false) throws -> Tensor? {
        guard has(name, key) else { return nil }
        return try Tensor(try floats(name, key), shape: try shape(name, key), requiresGrad: requiresGrad)
    }

    /// Backpropagates the case's upstream gradient `g` through `out` and checks its `grad_fn` name, its shape and
    /// values, and the gradients of `leaves` (case tensor key → tensor) against PyTorch, each within `tolerance`
    /// (see `Closeness`).
    public func checkTensorOp(_ name: String, out: Tensor, leaves: [(String, Tensor?)], tolerance: Double = 1e-5,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let args = try self.args(name)
        #expect(out.gradFn?.name == args["grad_fn"] as? String, "\(name) grad_fn", sourceLocation: sourceLocation)
        #expect(out.shape == (try shape(name, "out")), "\(name) shape", sourceLocation: sourceLocation)
        expectClose(out.scalars, try floats(name, "out"), tolerance: tolerance, "\(name) out", sourceLocation: sourceLocation)
        let g = try #require(try tensor(name, "g"), sourceLocation: sourceLocation)
        try out.backward(gradient: g)
        for (key, leaf) in leaves {
            guard let leaf else { continue }
            let grad = try #require(leaf.grad, "\(name): no gradient for \(key)", sourceLocation: sourceLocation)
            expectClose(grad.scalars, try floats(name, key), tolerance: tolerance, "\(name) \(key)",
                        sourceLocation: sourceLocation)
        }
    }
}
