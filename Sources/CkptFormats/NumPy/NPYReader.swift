import CkptCore
import Foundation

/// Reads one `.npy` array (versions 1.0–3.0) as a one-tensor state dict. Its key is the file name without
/// `.npy`, the same rule that names `.npz` members. Big-endian data keeps `byteOrder = .big`; Fortran order
/// becomes reversed strides; bytes stay in the mapped file.
public enum NPYReader: CheckpointReader {
    public static func read(_ file: MappedFile) throws -> StateDict {
        let header = try NPYHeader.parse(size: file.size) { try file.copyBytes(offset: 0, count: $0) }
        var key = URL(fileURLWithPath: file.path).lastPathComponent
        if key.lowercased().hasSuffix(".npy") { key = String(key.dropLast(4)) }
        let tensor = try header.tensor(in: try .mapped(file, offset: 0, count: file.size), key: key)
        return StateDict(tensors: [key: tensor])
    }
}
