/// Errors raised while reading tensor data (a CRC-32 that does not match, a compressed member that does not
/// inflate, an HDF5 chunk libhdf5 cannot read) happen long after the file was opened, in code that no longer
/// knows which file the tensor came from; these name it.
extension ByteSource {
    /// The same bytes; an error raised when a loader runs becomes a `FileError` naming `path`.
    public func namingErrors(_ path: String) -> ByteSource {
        guard case .loader(let load) = kind else { return self }
        return .loader(count: count) {
            do {
                return try load()
            } catch let e as CheckpointError {
                throw FileError(path: path, e)
            }
        }
    }

    /// Whether the bytes are produced on demand (and so may fail when read).
    var isLoader: Bool { if case .loader = kind { return true } else { return false } }
}

extension StateDict {
    /// The same checkpoint whose tensors' data errors name `path` (`ByteSource.namingErrors`). Storages stay
    /// shared as they were: each is rebuilt once.
    public func namingDataErrors(_ path: String) -> StateDict {
        var rebuilt: [ObjectIdentifier: TensorStorage] = [:]
        return mapTensors { _, t in
            let s = t.storage
            guard s.bytes.isLoader else { return t }
            let id = ObjectIdentifier(s)  // `self` keeps every old storage alive meanwhile: identifiers stay unique
            let storage = rebuilt[id] ?? TensorStorage(key: s.key, dtype: s.dtype, bytes: s.bytes.namingErrors(path),
                                                       byteOrder: s.byteOrder, encoding: s.encoding)
            rebuilt[id] = storage
            var copy = t
            copy.storage = storage
            return copy
        }
    }
}
