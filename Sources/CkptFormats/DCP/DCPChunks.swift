import CkptCore

/// A sharded tensor's chunks (FORMATS-MORE.md 3.4): checked to tile the global shape exactly, and copied into one
/// contiguous buffer.
enum DCPChunks {
    /// Most chunks compared pairwise for overlaps; past that, overlap shows as a numel sum that does not add up.
    static let maxPairwise = 4096

    /// Throws unless `chunks` lie inside `size`, do not overlap, and cover it (their element counts add up).
    static func checkTiling(_ chunks: [DCPMetadata.Chunk], size: [Int], fqn: String) throws {
        guard let total = TensorEntry.checkedNumel(size) else { throw CheckpointError.malformed("DCP tensor '\(fqn)' has size \(size), which overflows") }
        var covered = 0
        for c in chunks {
            for d in size.indices {
                let (end, overflow) = c.offsets[d].addingReportingOverflow(c.sizes[d])
                guard !overflow, end <= size[d] else {
                    throw CheckpointError.malformed("DCP tensor '\(fqn)': chunk at \(c.offsets) of size \(c.sizes) lies outside \(size)")
                }
            }
            guard let n = TensorEntry.checkedNumel(c.sizes) else { throw CheckpointError.malformed("DCP tensor '\(fqn)': chunk size \(c.sizes) overflows") }
            covered += n
        }
        if chunks.count <= maxPairwise {
            for i in chunks.indices where TensorEntry.checkedNumel(chunks[i].sizes) != 0 {
                for j in chunks.indices.dropFirst(i + 1) where overlaps(chunks[i], chunks[j]) {
                    throw CheckpointError.malformed("DCP tensor '\(fqn)': chunks at \(chunks[i].offsets) and \(chunks[j].offsets) overlap")
                }
            }
        }
        guard covered == total else {
            throw CheckpointError.malformed("DCP tensor '\(fqn)': its chunks hold \(covered) of its \(total) elements (\(covered < total ? "a gap" : "an overlap"))")
        }
    }

    private static func overlaps(_ a: DCPMetadata.Chunk, _ b: DCPMetadata.Chunk) -> Bool {
        guard TensorEntry.checkedNumel(b.sizes) != 0 else { return false }
        for d in a.offsets.indices where a.offsets[d] + a.sizes[d] <= b.offsets[d] || b.offsets[d] + b.sizes[d] <= a.offsets[d] {
            return false
        }
        return true
    }

    /// Copies a chunk's contiguous bytes into `full` (a contiguous tensor of `size`), row by row.
    static func copy(_ chunk: UnsafeRawBufferPointer, _ c: DCPMetadata.Chunk, into full: UnsafeMutableRawBufferPointer, size: [Int], itemSize: Int) {
        // The caller checked that `chunk` holds exactly the chunk's elements and `full` the tensor's.
        guard let src = chunk.baseAddress, let dst = full.baseAddress else { return }
        let rank = size.count
        guard rank > 0 else {
            dst.copyMemory(from: src, byteCount: itemSize)
            return
        }
        let strides = TensorEntry.contiguousStrides(size)
        let row = c.sizes[rank - 1] * itemSize
        guard row > 0, TensorEntry.checkedNumel(c.sizes) != 0 else { return }
        let rows = c.sizes.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: rank - 1)
        for r in 0 ..< rows {
            var at = c.offsets[rank - 1]
            for d in 0 ..< rank - 1 { at += (c.offsets[d] + index[d]) * strides[d] }
            (dst + at * itemSize).copyMemory(from: src + r * row, byteCount: row)
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < c.sizes[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}
