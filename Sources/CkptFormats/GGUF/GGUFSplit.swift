import CkptCore
import Foundation
import OrderedCollections

/// A GGUF model split into parts by llama.cpp's `gguf-split` or gguf-py's writer (`split_max_tensors`,
/// `split_max_size`): files `<prefix>-00001-of-0000N.gguf` … `<prefix>-0000N-of-0000N.gguf`, each with its own
/// header and data section and the keys `split.no` (u16, from 0), `split.count` (u16) and
/// `split.tensors.count` (i32); the first holds the model's metadata (FORMATS-MORE.md §1.7; llama.cpp
/// `llama_split_path`). The first part stands for the whole model, as it does for llama.cpp: its tensors,
/// then those of parts 2…N from the same folder, in order. Any other part is read alone.
enum GGUFSplit {
    /// Where a file sits in its split: nil when it has no `split.count` (or a count of 1).
    struct Position {
        let number: Int
        let count: Int
        let tensors: Int?
    }

    /// llama.cpp names parts with five digits.
    static let maxParts = 99_999

    static func position(_ metadata: OrderedDictionary<String, CheckpointValue>) throws -> Position? {
        guard let countValue = metadata["split.count"] else { return nil }
        guard case .int(let count) = countValue, (1 ... maxParts).contains(count) else {
            throw CheckpointError.malformed("split.count is \(countValue), not a part count from 1 to \(maxParts)")
        }
        guard count > 1 else { return nil }
        guard case .int(let number)? = metadata["split.no"], (0 ..< count).contains(number) else {
            throw CheckpointError.malformed("split.no is \(metadata["split.no"].map { "\($0)" } ?? "missing"), not a part of \(count)")
        }
        var tensors: Int?
        if case .int(let n)? = metadata["split.tensors.count"] { tensors = n }
        return Position(number: number, count: count, tensors: tensors)
    }

    /// The paths of parts 2…N, from the first part's path (`…-00001-of-0000N.gguf`).
    static func laterParts(of path: String, count: Int) throws -> [String] {
        let name = (path as NSString).lastPathComponent
        let suffix = String(format: "-00001-of-%05d.gguf", count)
        guard name.hasSuffix(suffix), name.count > suffix.count else {
            throw CheckpointError.malformed("part 1 of a \(count)-part split, but its name does not end in \(suffix): ckpt cannot find the other parts")
        }
        let prefix = String(name.dropLast(suffix.count)), folder = FolderMember.folder(of: path)
        return (2 ... count).map { (folder as NSString).appendingPathComponent(prefix + String(format: "-%05d-of-%05d.gguf", $0, count)) }
    }

    /// `tensors` (part 1's) followed by every later part's, each checked to be the part its name says.
    static func appendingLaterParts(to tensors: inout OrderedDictionary<String, TensorEntry>, firstPart path: String,
                                    position: Position) throws {
        for (i, partPath) in try laterParts(of: path, count: position.count).enumerated() {
            let partName = (partPath as NSString).lastPathComponent
            do {
                guard FileManager.default.fileExists(atPath: partPath) else { throw CheckpointError.notFound("the file does not exist") }
                let file = try MappedFile(path: partPath)
                let header = try GGUFHeader.read(file)
                guard let p = try GGUFSplit.position(header.metadata), p.count == position.count, p.number == i + 1 else {
                    throw CheckpointError.malformed("its split.no/split.count do not say part \(i + 2) of \(position.count)")
                }
                for info in header.tensors {
                    guard tensors[info.name] == nil else { throw CheckpointError.malformed("tensor \(info.name.ggufQuoted) is also in an earlier part") }
                    tensors[info.name] = try GGUFReader.entry(info, file: file, header: header)
                }
            } catch let e as CheckpointError {
                throw e.prefixed("split part \(partName.ggufQuoted): ")
            }
        }
        if let expected = position.tensors, expected != tensors.count {
            throw CheckpointError.malformed("split.tensors.count is \(expected) but the \(position.count) parts hold \(tensors.count) tensors")
        }
    }
}
