import CkptCore
import Foundation

/// Printing and approximate comparison.
extension Tensor: CustomStringConvertible {
    /// Close to PyTorch's repr, `tensor([[1.0000, 2.0000]], grad_fn=<AddBackward0>)`, without its column
    /// alignment; past 1000 elements each dim shows its first and last 3 entries around `...`, as PyTorch does.
    public var description: String {
        var text = "tensor(" + Tensor.render(scalars, shape: shape, dtype: dtype, summarize: numel > 1000)
        if let fn = gradFn { text += ", grad_fn=<\(fn.name)>" } else if requiresGrad { text += ", requires_grad=True" }
        return text + ")"
    }

    private static func render(_ values: [Float], shape: [Int], dtype: DType, summarize: Bool) -> String {
        func element(_ v: Float) -> String {
            switch dtype {
            case .bool: return v != 0 ? "True" : "False"
            case .int64: return String(Int(v))
            default: return v.isFinite ? String(format: "%.4f", v) : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"))
            }
        }
        guard let first = shape.first else { return values.first.map(element) ?? "" }
        let inner = shape.dropFirst().reduce(1, *)
        let shown = summarize && first > 6 ? [0, 1, 2, -1, first - 3, first - 2, first - 1] : Array(0 ..< first)
        let parts = shown.map { i -> String in
            if i < 0 { return "..." }
            let slice = Array(values[i * inner ..< (i + 1) * inner])
            return shape.count == 1 ? element(slice[0]) : render(slice, shape: Array(shape.dropFirst()), dtype: dtype, summarize: summarize)
        }
        return "[" + parts.joined(separator: shape.count == 1 ? ", " : ",\n" + String(repeating: " ", count: 8)) + "]"
    }

    /// True when the shapes match and every `|a - b| <= atol + rtol · |b|` (NaNs equal only to NaNs), as `torch.allclose`.
    public func allClose(_ other: Tensor, rtol: Float = 1e-5, atol: Float = 1e-8) -> Bool {
        guard shape == other.shape else { return false }
        let p = buffer.pointer, q = other.buffer.pointer
        for i in 0 ..< numel {
            let a = p[i], b = q[i]
            if a.isNaN || b.isNaN { if a.isNaN != b.isNaN { return false } else { continue } }
            if a == b { continue }
            if !(Swift.abs(a - b) <= atol + rtol * Swift.abs(b)) { return false }
        }
        return true
    }
}
