import CkptCore

extension TensorEntry {
    /// Drops the pages of elements `r` (in row-major order) from the resident set once they have been read, so
    /// that a pass over a mapped checkpoint keeps memory near a few chunks, not near the file. A tensor that is
    /// not contiguous in its storage gives back its whole storage span when `r` reaches its last element.
    /// Does nothing for tensors not backed by a mapped file.
    func releasePages(elements r: Range<Int>) {
        let item = dtype.itemSize
        if isContiguous {
            storage.bytes.releasePages(offset: (storageOffset + r.lowerBound) * item, count: r.count * item)
        } else if r.upperBound == numel {
            let span = storageByteRange
            storage.bytes.releasePages(offset: span.lowerBound, count: span.count)
        }
    }
}
