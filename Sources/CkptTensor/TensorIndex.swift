/// One entry of a subscript, as in Python's `x[0, :, 1:5:2, None, ...]`.
public enum TensorIndex: ExpressibleByIntegerLiteral, Sendable, Equatable {
    /// One position (negative counts from the end); the dimension disappears (`x[0]`).
    case at(Int)
    /// `start:end:step` with Python's clamping; nil bounds mean the ends (`x[1:]`, `x[::2]`).
    case range(start: Int?, end: Int?, step: Int)
    /// A new dimension of size 1 (`None`).
    case newAxis
    /// As many full slices as needed to cover the remaining dimensions (`...`).
    case ellipsis

    /// `:`, the whole dimension.
    public static let all = TensorIndex.range(start: nil, end: nil, step: 1)

    /// `start:end:step`.
    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
        .range(start: start, end: end, step: step)
    }

    public init(integerLiteral value: Int) { self = .at(value) }

    /// `(start, count)` of a positive-step slice over a dimension (or a Python sequence) of `size`, clamped as Python does.
    public static func resolve(start: Int?, end: Int?, step: Int, size: Int) -> (start: Int, count: Int) {
        func clamp(_ v: Int?, _ fallback: Int) -> Int {
            guard var v else { return fallback }
            if v < 0 { v += size }
            return Swift.min(Swift.max(v, 0), size)
        }
        let s = clamp(start, 0), e = clamp(end, size)
        return (s, e > s ? (e - s + step - 1) / step : 0)
    }
}
