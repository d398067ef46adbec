import CkptCore

/// One tensor info of a GGUF header: name, ggml `ne` (the contiguous dimension first), type, and offset in the
/// data section. Checked as ggml's `gguf.cpp` checks it: at most 4 dimensions, none negative, a known type,
/// `ne[0]` a whole number of blocks, and an element count and byte size that do not overflow.
struct GGUFTensorInfo: Sendable {
    /// ggml's `GGML_MAX_DIMS`.
    static let maxDims = 4
    /// Fewest bytes a tensor info can take: name length, n_dims, type and offset.
    static let minimumSize = 8 + 4 + 4 + 8

    let name: String
    /// ggml's `ne`, `ne[0]` contiguous.
    let ne: [Int]
    let type: GGMLType
    /// Offset from the start of the data section.
    let offset: Int
    let numel: Int
    /// Bytes in the file (`numel / blockElements * blockBytes`).
    let byteCount: Int

    /// The shape in PyTorch order: `ne` reversed (a numpy `(3, 64)` array is stored as ne = [64, 3]).
    var shape: [Int] { ne.reversed() }

    /// Reads the info of tensor `index` at the cursor.
    static func read(_ cursor: inout GGUFCursor, index: Int) throws -> GGUFTensorInfo {
        let name = try cursor.string("name of tensor \(index)")
        let what = "tensor \(name.ggufQuoted)"
        let nDims = try cursor.u32("dimension count of \(what)")
        guard nDims <= UInt32(maxDims) else {
            throw CheckpointError.malformed("\(what) has \(nDims) dimensions (ggml allows at most \(maxDims))")
        }
        var ne: [Int] = []
        var numel = 1
        for j in 0 ..< Int(nDims) {
            let raw = try cursor.u64("dimensions of \(what)")
            guard raw <= UInt64(Int64.max) else {
                throw CheckpointError.malformed("\(what) has a negative dimension (ne[\(j)] = \(Int64(bitPattern: raw)))")
            }
            let d = Int(raw)
            let (product, overflow) = numel.multipliedReportingOverflow(by: d)
            guard !overflow else { throw CheckpointError.malformed("\(what) has dimensions \(ne + [d]) whose product overflows") }
            numel = product
            ne.append(d)
        }
        let typeID = try cursor.u32("type of \(what)")
        guard let type = GGMLType.type(id: typeID) else {
            if let old = GGMLType.retired[typeID] {
                throw CheckpointError.unsupported("\(what) has ggml type \(typeID) (\(old)), a layout ggml has removed")
            }
            throw CheckpointError.malformed("\(what) has unknown ggml type \(typeID)")
        }
        let first = ne.first ?? 1
        guard first % type.blockElements == 0 else {
            throw CheckpointError.malformed("\(what): ne[0] = \(first) is not a multiple of \(type.name)'s block of \(type.blockElements)")
        }
        guard let bytes = type.byteCount(elements: numel) else {
            throw CheckpointError.malformed("\(what): \(numel) elements of \(type.name) overflow")
        }
        let rawOffset = try cursor.u64("offset of \(what)")
        guard rawOffset <= UInt64(Int.max / 2) else {
            throw CheckpointError.malformed("\(what) has offset \(rawOffset), past any file")
        }
        return GGUFTensorInfo(name: name, ne: ne, type: type, offset: Int(rawOffset), numel: numel, byteCount: bytes)
    }
}
