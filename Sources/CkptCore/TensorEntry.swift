/// A tensor as a file holds it: dtype, shape, strides and offset (in elements) into a shared storage.
/// Lazy and lossless: bytes are read only by `contiguousBytes()` and the value accessors.
public struct TensorEntry: Sendable {
    public var dtype: DType
    public var shape: [Int]
    /// Strides in elements, PyTorch's convention.
    public var strides: [Int]
    /// Offset into the storage in elements.
    public var storageOffset: Int
    public var storage: TensorStorage
    public var requiresGrad: Bool
    /// True when the file stored an `nn.Parameter` (`_rebuild_parameter`).
    public var isParameter: Bool

    /// Largest rank accepted from a file.
    public static let maxRank = 64

    /// A tensor viewing `storage`. Throws when the view is not inside the storage or its sizes overflow.
    public init(dtype: DType, shape: [Int], strides: [Int]? = nil, storageOffset: Int = 0, storage: TensorStorage,
                requiresGrad: Bool = false, isParameter: Bool = false) throws {
        self.dtype = dtype
        self.shape = shape
        self.strides = strides ?? TensorEntry.contiguousStrides(shape)
        self.storageOffset = storageOffset
        self.storage = storage
        self.requiresGrad = requiresGrad
        self.isParameter = isParameter
        try validate()
    }

    /// A contiguous little-endian tensor owning `bytes`.
    public init(dtype: DType, shape: [Int], bytes: [UInt8], key: String = "") throws {
        try self.init(dtype: dtype, shape: shape,
                      storage: TensorStorage(key: key, dtype: dtype, bytes: .bytes(bytes)))
    }

    /// Row-major strides for `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = acc
            acc = acc &* max(shape[i], 1)
        }
        return strides
    }

    /// Product of `shape`, or nil when it overflows or a dimension is negative.
    public static func checkedNumel(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    private func validate() throws {
        guard shape.count <= TensorEntry.maxRank else { throw CheckpointError.malformed("rank \(shape.count) exceeds \(TensorEntry.maxRank)") }
        guard strides.count == shape.count else {
            throw CheckpointError.malformed("shape \(shape) has \(strides.count) strides")
        }
        guard let n = TensorEntry.checkedNumel(shape) else { throw CheckpointError.malformed("shape \(shape) is invalid or overflows") }
        // As torch's stride calculation and numpy's size check: the sizes other than 0 must multiply without
        // overflow even when a 0 leaves no elements (every stride and extent computed from them must fit).
        guard TensorEntry.checkedNumel(shape.map { Swift.max($0, 1) }).map({ $0.multipliedReportingOverflow(by: dtype.itemSize).overflow == false }) == true else {
            throw CheckpointError.tooLarge("shape \(shape) overflows")
        }
        guard n.multipliedReportingOverflow(by: dtype.itemSize).overflow == false else {
            throw CheckpointError.tooLarge("shape \(shape) overflows")
        }
        guard storageOffset >= 0, strides.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointError.malformed("negative offset or stride")
        }
        guard storage.dtype.itemSize == dtype.itemSize || storage.bytes.count % dtype.itemSize == 0 else {
            throw CheckpointError.malformed("storage of \(storage.dtype.rawValue) cannot hold \(dtype.rawValue)")
        }
        if n == 0 { return }
        var last = storageOffset
        for (d, s) in zip(shape, strides) {
            let (p, o1) = (d - 1).multipliedReportingOverflow(by: s)
            let (q, o2) = last.addingReportingOverflow(p)
            guard !o1, !o2 else { throw CheckpointError.malformed("view \(shape) stride \(strides) overflows") }
            last = q
        }
        let available = storage.bytes.count / dtype.itemSize
        guard last < available else {
            throw CheckpointError.malformed("view of shape \(shape) at offset \(storageOffset) needs \(last + 1) elements, storage has \(available)")
        }
    }

    /// Number of elements.
    public var numel: Int { shape.reduce(1, *) }
    /// Bytes of the tensor's own elements (not of its whole storage).
    public var byteCount: Int { numel * dtype.itemSize }
    /// The dtype name reports show: the stored encoding's (`q4_k`) for a block-quantized tensor, else the dtype's.
    public var storedDTypeName: String { storage.encoding?.name ?? dtype.rawValue }
    /// Bytes the tensor occupies in its file: its share of the encoded storage for a block-quantized tensor,
    /// else `byteCount`.
    public var storedByteCount: Int {
        guard let encoding = storage.encoding else { return byteCount }
        let all = storage.elementCount
        if numel == all || all == 0 { return encoding.byteCount }
        return Int((Double(encoding.byteCount) * Double(numel) / Double(all)).rounded())
    }
    /// Row-major with no gaps (always, as in PyTorch, for no elements: the other sizes may then be anything).
    public var isContiguous: Bool {
        if numel == 0 { return true }
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Byte range `[start, end)` the tensor touches inside its storage (empty for numel 0).
    public var storageByteRange: Range<Int> {
        if numel == 0 { return storageOffset * dtype.itemSize ..< storageOffset * dtype.itemSize }
        var last = storageOffset
        for (d, s) in zip(shape, strides) { last += (d - 1) * s }
        return storageOffset * dtype.itemSize ..< (last + 1) * dtype.itemSize
    }

    /// True when both tensors view the same storage object and their byte ranges overlap (or both are the same view).
    public func sharesMemory(with other: TensorEntry) -> Bool {
        guard storage === other.storage else { return false }
        let a = storageByteRange, b = other.storageByteRange
        if a.isEmpty || b.isEmpty { return a == b && shape == other.shape }
        return a.overlaps(b)
    }
}
