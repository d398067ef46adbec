/// Reading a tensor's elements: row-major, little-endian, lossless.
extension TensorEntry {
    /// Calls `body` with the tensor's elements in row-major order, little-endian. Contiguous little-endian
    /// tensors are passed straight from the storage (no copy); others are gathered first.
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let item = dtype.itemSize
        if isContiguous && storage.byteOrder == .little {
            return try storage.bytes.withUnsafeBytes { all in
                let start = storageOffset * item
                return try body(UnsafeRawBufferPointer(rebasing: all[start ..< start + numel * item]))
            }
        }
        let bytes = try contiguousBytes()
        return try bytes.withUnsafeBytes(body)
    }

    /// A copy of the elements, row-major, little-endian.
    public func contiguousBytes() throws -> [UInt8] {
        let item = dtype.itemSize
        let n = numel
        var out = [UInt8](repeating: 0, count: n * item)
        if n == 0 { return out }
        try storage.bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                if isContiguous {
                    let start = storageOffset * item
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start ..< start + n * item]))
                } else {
                    gather(src: src, dst: dst, item: item)
                }
            }
        }
        if storage.byteOrder == .big { TensorEntry.swapBytes(&out, itemSize: dtype.isComplex ? item / 2 : item) }
        return out
    }

    private func gather(src: UnsafeRawBufferPointer, dst: UnsafeMutableRawBufferPointer, item: Int) {
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        var offset = storageOffset
        let inner = rank > 0 ? shape[rank - 1] : 1
        let innerStride = rank > 0 ? strides[rank - 1] : 0
        var o = 0
        let rows = numel / max(inner, 1)
        for _ in 0 ..< rows {
            var s = offset
            for _ in 0 ..< inner {
                (dst.baseAddress! + o).copyMemory(from: src.baseAddress! + s * item, byteCount: item)
                o += item
                s += innerStride
            }
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                offset += strides[d]
                if index[d] < shape[d] { break }
                offset -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Reverses the bytes of each `itemSize`-byte element in place.
    public static func swapBytes(_ bytes: inout [UInt8], itemSize: Int) {
        guard itemSize > 1 else { return }
        bytes.withUnsafeMutableBytes { p in
            var i = 0
            while i + itemSize <= p.count {
                var a = i, b = i + itemSize - 1
                while a < b { p.swapAt(a, b); a += 1; b -= 1 }
                i += itemSize
            }
        }
    }
}
