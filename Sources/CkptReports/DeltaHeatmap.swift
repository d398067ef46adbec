import Foundation

/// Where two tensors of the same shape differ: the largest finite `|a − b|` in each cell of a grid of at most
/// 64 × 64 cells laid over the tensor viewed as a matrix `[shape[0], numel / shape[0]]` (a `Linear` weight as it
/// is, a conv weight as `[out, in·kh·kw]`). Element `(r, c)` falls in cell `(r·gridRows / rows, c·gridCols / cols)`
/// (integer division), so cells cover equal runs of rows and columns to within one. NaN/Inf disagreements are left
/// out, as from `max_abs_diff`. Partial maps over chunks of the tensor merge exactly (cell-wise maximum).
///
/// In JSON, `cells` is the grid row-major as little-endian float32, base64: a large fine-tune has hundreds of
/// these, and the page needs their shape, not their seventeenth digit.
public struct DeltaHeatmap: Codable, Sendable, Equatable {
    /// Most cells along each side.
    public static let maxSide = 64

    public var key: String
    public var shape: [Int]
    public var rows: Int
    public var cols: Int
    public var gridRows: Int
    public var gridCols: Int
    /// The largest finite `|a − b|` per cell, row-major (0 where the values are equal).
    public var cells: [Double]
    /// First column of each grid column, and `cols` last.
    private var columnStarts: [Int]

    enum CodingKeys: String, CodingKey {
        case key, shape, rows, cols, cells
        case gridRows = "grid_rows", gridCols = "grid_cols", maxAbs = "max_abs"
    }

    /// An empty map of a tensor of `shape`; nil below 2 dimensions or without elements.
    public init?(key: String, shape: [Int]) {
        guard shape.count >= 2, let first = shape.first, first > 0 else { return nil }
        let numel = shape.reduce(1, *)
        guard numel > 0 else { return nil }
        self.key = key
        self.shape = shape
        rows = first
        cols = numel / first
        gridRows = Swift.min(rows, Self.maxSide)
        gridCols = Swift.min(cols, Self.maxSide)
        cells = [Double](repeating: 0, count: gridRows * gridCols)
        columnStarts = Self.columnStarts(cols: cols, gridCols: gridCols)
    }

    /// `ceil(j·cols / gridCols)`: the first column whose cell is `j`.
    private static func columnStarts(cols: Int, gridCols: Int) -> [Int] {
        (0 ... gridCols).map { j in (j * cols + gridCols - 1) / gridCols }
    }

    /// The largest cell.
    public var maxAbs: Double { cells.max() ?? 0 }

    /// Adds the `n` pairs `a[k], b[k]`, elements `start + k` of the tensors in row-major order.
    public mutating func add(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, start: Int, count n: Int) {
        var i = start
        let end = start + n
        while i < end {
            let r = i / cols, c0 = i - r * cols
            let c1 = Swift.min(cols, c0 + (end - i))
            let rowBase = (r * gridRows / rows) * gridCols
            let offset = i - start - c0
            var j = c0 * gridCols / cols
            var c = c0
            while c < c1 {
                let stop = Swift.min(c1, columnStarts[j + 1])
                var m = cells[rowBase + j]
                for k in c ..< stop {
                    let d = Swift.abs(a[offset + k] - b[offset + k])
                    if d.isFinite && d > m { m = d }
                }
                cells[rowBase + j] = m
                c = stop
                j += 1
            }
            i += c1 - c0
        }
    }

    /// Adds another part of the same tensor's map.
    public mutating func merge(_ other: DeltaHeatmap) {
        for i in cells.indices where other.cells[i] > cells[i] { cells[i] = other.cells[i] }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        shape = try c.decode([Int].self, forKey: .shape)
        rows = try c.decode(Int.self, forKey: .rows)
        cols = try c.decode(Int.self, forKey: .cols)
        gridRows = try c.decode(Int.self, forKey: .gridRows)
        gridCols = try c.decode(Int.self, forKey: .gridCols)
        guard let data = Data(base64Encoded: try c.decode(String.self, forKey: .cells)),
              data.count == gridRows * gridCols * 4, gridCols > 0, cols >= gridCols else {
            throw DecodingError.dataCorruptedError(forKey: .cells, in: c, debugDescription: "cells do not fill the grid")
        }
        cells = stride(from: 0, to: data.count, by: 4).map { i in
            Double(Float(bitPattern: data[data.startIndex + i ..< data.startIndex + i + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }))
        }
        columnStarts = Self.columnStarts(cols: cols, gridCols: gridCols)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(shape, forKey: .shape)
        try c.encode(rows, forKey: .rows)
        try c.encode(cols, forKey: .cols)
        try c.encode(gridRows, forKey: .gridRows)
        try c.encode(gridCols, forKey: .gridCols)
        try c.encode(maxAbs, forKey: .maxAbs)
        var bytes = [UInt8]()
        bytes.reserveCapacity(cells.count * 4)
        for v in cells {
            let bits = Float(Swift.min(v, Double(Float.greatestFiniteMagnitude))).bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        try c.encode(Data(bytes).base64EncodedString(), forKey: .cells)
    }
}
