import CkptTestSupport
import Foundation
import Testing
@testable import CkptTensor

/// One family file of `Fixtures/conv_ops/` (written by `Fixtures/gen/conv_ops.py`): safetensors with
/// tensors named `<case>/<name>` and a `cases` metadata entry holding each case's arguments as JSON.
struct ConvOpsFixture {
    struct Entry { let dtype: String; let shape: [Int]; let start: Int; let end: Int }
    let entries: [String: Entry]
    let data: Data
    let cases: [String: [String: Any]]

    static let root = Fixtures.url("conv_ops")

    init(_ family: String) throws {
        let bytes = try Data(contentsOf: Self.root.appendingPathComponent("\(family).safetensors"))
        let n = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + n))) as? [String: Any])
        var entries = [String: Entry]()
        var cases = [String: [String: Any]]()
        for (key, value) in header {
            let info = try #require(value as? [String: Any])
            if key == "__metadata__" {
                let text = try #require(info["cases"] as? String)
                cases = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
                continue
            }
            let offsets = try #require(info["data_offsets"] as? [Int])
            entries[key] = Entry(dtype: try #require(info["dtype"] as? String),
                                 shape: try #require(info["shape"] as? [Int]),
                                 start: 8 + n + offsets[0], end: 8 + n + offsets[1])
        }
        self.entries = entries; self.data = bytes; self.cases = cases
    }

    func args(_ name: String) throws -> [String: Any] { try #require(cases[name], "no case \(name)") }

    func has(_ name: String, _ tensor: String) -> Bool { entries["\(name)/\(tensor)"] != nil }

    func shape(_ name: String, _ tensor: String) throws -> [Int] {
        try #require(entries["\(name)/\(tensor)"], "no tensor \(name)/\(tensor)").shape
    }

    /// Float32 tensor as Float.
    func floats(_ name: String, _ tensor: String) throws -> [Float] {
        let e = try #require(entries["\(name)/\(tensor)"], "no tensor \(name)/\(tensor)")
        #expect(e.dtype == "F32")
        return data.subdata(in: e.start..<e.end).withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        }
    }

    /// Int64 tensor as Int.
    func ints(_ name: String, _ tensor: String) throws -> [Int] {
        let e = try #require(entries["\(name)/\(tensor)"], "no tensor \(name)/\(tensor)")
        #expect(e.dtype == "I64")
        return data.subdata(in: e.start..<e.end).withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { Int(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        }
    }
}

/// Int list argument (`[Int]`, or nil when absent/null).
func intList(_ args: [String: Any], _ key: String) -> [Int]? { args[key] as? [Int] }

/// Runs `body` with mutable buffers of the given sizes and returns their contents.
func withOutputs<T: KernelScalar>(_ counts: [Int], _ body: ([UnsafeMutablePointer<T>]) throws -> Void) rethrows -> [[T]] {
    let buffers = counts.map { n -> UnsafeMutablePointer<T> in
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1))
        p.initialize(repeating: T.nan, count: max(n, 1))
        return p
    }
    defer { buffers.forEach { $0.deallocate() } }
    try body(buffers)
    return zip(buffers, counts).map { Array(UnsafeBufferPointer(start: $0, count: $1)) }
}

extension ConvOpsFixture {
    /// A leaf tensor from the fixture, optionally requiring grad; nil when the case has no such tensor.
    func tensor(_ name: String, _ key: String, requiresGrad: Bool = false) throws -> Tensor? {
        guard has(name, key) else { return nil }
        return try Tensor(try floats(name, key), shape: try shape(name, key), requiresGrad: requiresGrad)
    }

    /// Backpropagates the case's upstream gradient `g` through `out` and checks its `grad_fn` name,
    /// its values and the gradients of `leaves` (fixture key → tensor) against PyTorch.
    func checkTensorOp(_ name: String, out: Tensor, leaves: [(String, Tensor?)], tolerance: Double = 1e-5,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let args = try self.args(name)
        #expect(out.gradFn?.name == args["grad_fn"] as? String, "\(name) grad_fn", sourceLocation: sourceLocation)
        #expect(out.shape == (try shape(name, "out")), "\(name) shape", sourceLocation: sourceLocation)
        expectClose(out.scalars, try floats(name, "out"), tolerance: tolerance, "\(name) out",
                    sourceLocation: sourceLocation)
        let g = try #require(try tensor(name, "g"))
        try out.backward(gradient: g)
        for (key, leaf) in leaves {
            guard let leaf else { continue }
            let grad = try #require(leaf.grad, "\(name): no gradient for \(key)", sourceLocation: sourceLocation)
            expectClose(grad.scalars, try floats(name, key), tolerance: tolerance, "\(name) \(key)",
                        sourceLocation: sourceLocation)
        }
    }
}
