import CKernels
import CkptCore
import Foundation

/// A tensor's elements as its checkpoint stores them (float32, float16 or bfloat16, little-endian), read in place from
/// the file's read-only mapping: the engine's weights when a model is loaded from a mapped checkpoint, so that a bf16
/// model takes its file's size in memory, not twice it.
///
/// Reads widen to Float32 exactly where they happen: the matrix products and `embedding` widen tile by tile or row by
/// row (`widen(from:count:into:)`). Code that needs every element as Float32 at one address (any other op, and every
/// write) gets `widened`: the whole tensor widened once into memory of its own, which from then on is the tensor's
/// value (writes go there; the mapping is never written).
public final class StoredElements: @unchecked Sendable {
    /// The element type in the file: `.float32`, `.float16` or `.bfloat16`.
    public let dtype: DType
    /// Number of elements.
    public let count: Int
    let base: UnsafeRawPointer
    /// Keeps the mapping alive.
    private let owner: AnyObject
    private let lock = NSLock()
    private var widenedElements: UnsafeMutablePointer<Float>?

    /// `count` elements of `dtype` at `base`, kept alive by `owner` (a `MappedFile`).
    init(dtype: DType, count: Int, base: UnsafeRawPointer, owner: AnyObject) {
        precondition([.float32, .float16, .bfloat16].contains(dtype), "stored elements of \(dtype.rawValue)")
        self.dtype = dtype; self.count = count; self.base = base; self.owner = owner
    }

    deinit { widenedElements?.deallocate() }

    /// Whether the elements were widened whole (then `widened` is the tensor's value and the mapping is not read).
    public var isWidened: Bool {
        lock.lock(); defer { lock.unlock() }
        return widenedElements != nil
    }

    /// The float32 elements at the mapped address itself, when the file holds float32 at an aligned address.
    var float32Address: UnsafePointer<Float>? {
        guard dtype == .float32, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return base.assumingMemoryBound(to: Float.self)
    }

    /// The 16-bit patterns of a float16 or bfloat16 tensor.
    var halfBits: UnsafePointer<UInt16>? {
        guard dtype != .float32 else { return nil }
        return base.assumingMemoryBound(to: UInt16.self)
    }

    /// The `ckpt_stored_type` of a float16 or bfloat16 tensor, for the fused kernels.
    var kernelType: Int32 { dtype == .bfloat16 ? Int32(CKPT_STORED_BF16.rawValue) : Int32(CKPT_STORED_F16.rawValue) }

    /// Writes elements `start ..< start + n`, widened to Float32 (exactly), to `dst`.
    func widen(from start: Int, count n: Int, into dst: UnsafeMutablePointer<Float>) {
        precondition(start >= 0 && n >= 0 && start + n <= count, "elements \(start)..<\(start + n) of \(count)")
        switch dtype {
        case .bfloat16: ckpt_widen_bf16(base.assumingMemoryBound(to: UInt16.self) + start, dst, n)
        case .float16: ckpt_widen_f16(base.assumingMemoryBound(to: UInt16.self) + start, dst, n)
        default: UnsafeMutableRawPointer(dst).copyMemory(from: base + start * 4, byteCount: n * 4)
        }
    }

    /// Every element as Float32 in memory of its own, widened on first use and kept: the tensor's value from then on.
    var widened: UnsafeMutablePointer<Float> {
        lock.lock(); defer { lock.unlock() }
        if let widenedElements { return widenedElements }
        let out = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        widen(from: 0, count: count, into: out)
        widenedElements = out
        return out
    }

    /// The elements' bytes as the file stores them (for saving in the same dtype), unless they were widened.
    var storedBytes: UnsafeRawBufferPointer? {
        isWidened ? nil : UnsafeRawBufferPointer(start: base, count: count * dtype.itemSize)
    }
}
