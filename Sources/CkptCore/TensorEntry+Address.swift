/// Where a tensor's elements sit in memory, for the engine's weights that stay in their file's dtype.
extension TensorEntry {
    /// The address of this tensor's elements when they lie contiguous, little-endian and unencoded in a mapped file,
    /// with the file (which keeps the mapping alive for as long as it is held); nil for any other byte source, a
    /// strided view or a block-quantized storage (their values are read with `floatValues()` instead).
    ///
    /// The memory is the file's read-only mapping: nothing may be written through the address.
    package func mappedElements() -> (address: UnsafeRawPointer, owner: MappedFile)? {
        guard isContiguous, storage.encoding == nil, storage.byteOrder == .little || dtype.itemSize == 1,
              case .mapped(let file, let offset) = storage.bytes.kind else { return nil }
        let start = storageOffset * dtype.itemSize
        guard let bytes = try? file.unsafeBytes(offset: offset + start, count: byteCount), let base = bytes.baseAddress else {
            return nil
        }
        return (base, file)
    }
}
